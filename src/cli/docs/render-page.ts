// A readable HTML rendering of an AsyncAPI document: the servers, then each channel with its address,
// bindings and operations, each operation with its messages, payload schemas and reply. Server-side, one
// self-contained page (inline CSS, no scripts).
import type { AsyncApiChannel, AsyncApiDocument, AsyncApiMessage, AsyncApiOperation, Reference } from "../../asyncapi/document.js";

const escape = (text: string): string => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

const styles = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1.5rem; color: #1d2430; }
h1 { margin-bottom: 0; } .version { color: #5b6577; font-weight: normal; }
section.channel { border: 1px solid #d5dae3; border-radius: 8px; padding: 0.5rem 1rem 1rem; margin: 1rem 0; }
.address { font-family: ui-monospace, monospace; font-size: 1.1rem; }
.operation { border-left: 4px solid #7a8597; padding: 0.25rem 0.75rem; margin: 0.75rem 0; }
.operation.receive { border-color: #2f7d4a; } .operation.send { border-color: #2b5fb3; }
.action { text-transform: uppercase; font-size: 0.75rem; font-weight: 600; letter-spacing: 0.05em; padding: 0.1rem 0.4rem; border-radius: 4px; color: white; }
.receive .action { background: #2f7d4a; } .send .action { background: #2b5fb3; } .reply .action { background: #8a5a00; }
pre { background: #f4f6f9; padding: 0.5rem 0.75rem; border-radius: 6px; overflow-x: auto; font-size: 13px; }
table { border-collapse: collapse; } td, th { text-align: left; padding: 0.2rem 0.75rem 0.2rem 0; }
.muted { color: #5b6577; }`;

export function renderPage(document: AsyncApiDocument): string {
  const channels = Object.entries(document.channels)
    .filter(([, channel]) => channel.address !== null)
    .map(([id, channel]) => renderChannel(document, id, channel));
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(document.info.title)} · AsyncAPI</title><style>${styles}</style></head>
<body>
<header>
<h1>${escape(document.info.title)} <span class="version">${escape(document.info.version)}</span></h1>
${document.info.description === undefined ? "" : `<p>${escape(document.info.description)}</p>`}
<p class="muted">AsyncAPI ${escape(document.asyncapi)} · messages are ${escape(document.defaultContentType)} ·
<a href="asyncapi.json">asyncapi.json</a> · <a href="asyncapi.yaml">asyncapi.yaml</a></p>
</header>
${renderServers(document)}
<h2>Channels</h2>
${channels.length === 0 ? `<p class="muted">No subscribers or publishers are registered.</p>` : channels.join("\n")}
</body>
</html>
`;
}

function renderServers(document: AsyncApiDocument): string {
  const servers = Object.entries(document.servers ?? {});
  if (servers.length === 0) return "";
  const rows = servers.map(
    ([id, server]) =>
      `<tr><td>${escape(id)}</td><td>${escape(server.protocol)}${server.protocolVersion === undefined ? "" : ` ${escape(server.protocolVersion)}`}</td><td class="address">${escape(server.host)}</td></tr>`,
  );
  return `<h2>Servers</h2>\n<table><tr><th>Server</th><th>Protocol</th><th>Host</th></tr>${rows.join("")}</table>`;
}

function renderChannel(document: AsyncApiDocument, id: string, channel: AsyncApiChannel): string {
  const operations = Object.entries(document.operations).filter(([, operation]) => operation.channel.$ref === `#/channels/${id}`);
  return `<section class="channel" id="channel-${escape(id)}">
<h3 class="address">${escape(channel.address ?? "")}</h3>
${channel.description === undefined ? "" : `<p>${escape(channel.description)}</p>`}
${channel.bindings === undefined ? "" : `<details><summary>Bindings</summary><pre>${escape(JSON.stringify(channel.bindings, null, 2))}</pre></details>`}
${operations.map(([operationId, operation]) => renderOperation(document, operationId, operation)).join("\n")}
</section>`;
}

function renderOperation(document: AsyncApiDocument, id: string, operation: AsyncApiOperation): string {
  const reply =
    operation.reply === undefined
      ? ""
      : `<div class="operation reply"><span class="action">reply</span> to <code>${escape(operation.reply.address.location)}</code>${operation.reply.messages.map((message) => renderMessage(document, message)).join("")}</div>`;
  return `<div class="operation ${operation.action}" id="operation-${escape(id)}">
<p><span class="action">${operation.action}</span> <strong>${escape(operation.title ?? id)}</strong>${operation.summary === undefined ? "" : ` — ${escape(operation.summary)}`}</p>
${operation.description === undefined ? "" : `<p>${escape(operation.description)}</p>`}
${operation.messages.map((message) => renderMessage(document, message)).join("")}
${operation.bindings === undefined ? "" : `<details><summary>Operation bindings</summary><pre>${escape(JSON.stringify(operation.bindings, null, 2))}</pre></details>`}
${reply}
</div>`;
}

/** An operation's message reference points into its channel, which points into the components. */
function resolveMessage(document: AsyncApiDocument, reference: Reference): AsyncApiMessage | undefined {
  const [, channelId, messageId] = /^#\/channels\/([^/]+)\/messages\/([^/]+)$/.exec(reference.$ref) ?? [];
  if (channelId === undefined || messageId === undefined) return undefined;
  const componentRef = document.channels[channelId]?.messages[messageId]?.$ref;
  const componentId = componentRef?.slice("#/components/messages/".length);
  return componentId === undefined ? undefined : document.components.messages[componentId];
}

function renderMessage(document: AsyncApiDocument, reference: Reference): string {
  const message = resolveMessage(document, reference);
  if (message === undefined) return "";
  return `<div class="message"><p>Message <code>${escape(message.name)}</code>${message.title === undefined ? "" : ` — ${escape(message.title)}`}${
    message.correlationId === undefined ? "" : ` <span class="muted">(correlation id: <code>${escape(message.correlationId.location)}</code>)</span>`
  }</p><pre class="payload">${escape(JSON.stringify(message.payload, null, 2))}</pre></div>`;
}
