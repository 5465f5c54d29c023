export const client = createClient({
  baseUrl: "https://search.internal",
  accessKey: "UCyZLBlaSgTKJs2PjbvrIfV3z5DF",
});
