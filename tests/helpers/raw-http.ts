/** A request written to a socket byte for byte, for what no HTTP client would send (raw non-ASCII in the URL). */
import { connect } from 'node:net';

export interface RawAnswer {
  statusLine: string;
  body: string;
}

export const sendRaw = (url: string, request: Buffer): Promise<RawAnswer> => {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve({ statusLine: text.split('\r\n')[0]!, body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
    socket.on('error', reject);
  });
};

/** `GET <path><raw UTF-8 bytes of suffix> HTTP/1.1`, closing the connection after the answer. */
export const getWithRawBytes = (path: string, suffix: string): Buffer =>
  Buffer.concat([Buffer.from(`GET ${path}`), Buffer.from(suffix, 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')]);
