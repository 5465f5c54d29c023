export const client = createClient({
  baseUrl: "https://search.internal",
  accessKey: "edleRFk51umPvUZrkmp25Qgl6XNc",
});
