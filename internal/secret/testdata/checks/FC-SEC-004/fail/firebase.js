export const firebaseConfig = {
  apiKey: "AIzaf0lbjIYJvzxkHMvyb7A7wK_CCpbW1p01Hzc",
  projectId: "shop-web",
};
