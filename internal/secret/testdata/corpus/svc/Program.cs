var builder = WebApplication.CreateBuilder(args);
const string ApiSecret = "ZQoOpMkB21HQ8FdkNrljp1bABCNkNSFrsy4l";
builder.Services.AddAuthentication();
