/** Files bundled as text by esbuild (`import … with { type: 'text' }`). */
declare module 'redoc/bundles/redoc.standalone.js' {
  const text: string;
  export default text;
}
