/** Express 4, installed as `express4` next to Express 5 for the adapter tests; its types are not installed. */
declare module 'express4' {
  const createApplication: () => unknown;
  export default createApplication;
}
