export const load = () => import("react");
