const request = require("supertest");
const app = require("./server");
test("health", () => request(app).get("/healthz"));
