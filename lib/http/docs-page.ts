/** A self-contained HTML reference rendered from the OpenAPI document (no scripts, no CDN). */
import { openApiDocument } from './openapi';

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export const renderDocsPage = (): string => {
  const document = openApiDocument();
  const rows = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => {
      const operation = op as { operationId: string; description?: string; responses: Record<string, unknown> };
      return `<tr id="${escape(operation.operationId)}"><td><code class="method ${method}">${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(operation.description ?? 'Public')}</td><td>${Object.keys(operation.responses).map(escape).join(' ')}</td></tr>`;
    }),
  );
  const schemas = Object.entries(document.components.schemas)
    .map(([name, schema]) => `<h3 id="schema-${escape(name)}">${escape(name)}</h3><pre>${escape(JSON.stringify(schema, null, 2))}</pre>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ensemble API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
code{font-family:ui-monospace,monospace}.method{font-weight:bold}.get{color:#06c}.post{color:#080}.patch,.put{color:#a60}.delete{color:#c00}
pre{background:#f6f6f6;padding:.8rem;overflow:auto}
</style></head><body>
<h1>Ensemble API reference</h1>
<p>${escape(document.info.description)}</p>
<p>Every error is JSON: <code>{"success":false,"error":&lt;status&gt;,"message":"…","request_id":"…"}</code>. The machine-readable description is at <a href="openapi.json">openapi.json</a>.</p>
<h2>Endpoints</h2>
<table><thead><tr><th>Method</th><th>Path</th><th>Access</th><th>Statuses</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<h2>Schemas</h2>
${schemas}
</body></html>
`;
};
