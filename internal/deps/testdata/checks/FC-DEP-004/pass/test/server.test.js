const request = require("supertest");
const app = require("../src/server");
test("health", () => request(app).get("/healthz"));
