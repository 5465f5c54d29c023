import { Loader } from "@googlemaps/js-api-loader";

const loader = new Loader({
  apiKey: "AIzaVI2-SGmjdbnIyFHMQVmdfUinkGmf0pJTftz",
  version: "weekly",
});

export default loader;
