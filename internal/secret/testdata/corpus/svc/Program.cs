var builder = WebApplication.CreateBuilder(args);
const string ApiSecret = "DTsjQieCP2WavIdHhJVq58EltnrMHEndCbwB";
builder.Services.AddAuthentication();
