import { Loader } from "@googlemaps/js-api-loader";

const loader = new Loader({
  apiKey: "AIzaaHRbkh7BWBRrmZ3-R7xNfJ4NZ0arGCs_H1A",
  version: "weekly",
});

export default loader;
