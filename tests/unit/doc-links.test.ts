/**
 * The documentation's links resolve: every relative link in README.md and
 * docs/*.md names a file that exists, every `#anchor` (in the same file or in
 * another Markdown file) names a heading there, and every pointer into the
 * documentation from the code (`docs/endpoints.md#errors`, `README.md#roles-and-permissions`)
 * does too. Anchors follow GitHub's rules: the heading's text, lower-cased,
 * punctuation dropped, each space a `-`, and a repeated heading `-1`, `-2`…
 * No Markdown parser is installed, so the few rules the documents need are
 * written out below: fenced code is no Markdown, inline code holds no links,
 * and a heading's anchor is made from its text as displayed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve('.');

/** The anchor GitHub gives a heading (github-slugger), from its Markdown source. */
const slug = (heading: string): string =>
  heading
    // What is displayed: link text without its target, code without backticks, no emphasis markers or HTML tags.
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    // Letters, marks, digits, connector punctuation (`_`), hyphens and spaces stay; everything else goes.
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

interface Link {
  target: string;
  line: number;
}

interface Document {
  anchors: Set<string>;
  links: Link[];
}

const FENCE = /^\s*(`{3,}|~{3,})/;

/** The headings' anchors and the links of one Markdown text, leaving out fenced code and inline code. */
const scan = (markdown: string): Document => {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const links: Link[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = FENCE.exec(text)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && text.trim() === marker) fence = undefined;
      return;
    }
    if (marker !== undefined) {
      fence = marker;
      return;
    }
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const match of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
    const prose = text.replace(/(`+)[\s\S]*?\1/g, '');
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: match[1]!, line: index + 1 });
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose)?.[1];
    if (definition !== undefined) links.push({ target: definition, line: index + 1 });
  });
  return { anchors, links };
};

const documents = new Map<string, Document>();
const documentAt = (path: string): Document => {
  let document = documents.get(path);
  if (document === undefined) {
    document = scan(readFileSync(path, 'utf8'));
    documents.set(path, document);
  }
  return document;
};

/** Why a link from `from` (a Markdown file) does not resolve, or undefined when it does. */
const brokenLink = (from: string, target: string): string | undefined => {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: and the like are not ours to check
  const hash = target.indexOf('#');
  const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const file = path === '' ? from : resolve(dirname(from), path);
  if (!file.startsWith(ROOT)) return `${target} leaves the repository`;
  if (!existsSync(file)) return `${target}: no file ${relative(ROOT, file)}`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith('.md') || statSync(file).isDirectory()) return `${target}: an anchor into a file that is not Markdown`;
  if (anchor === '') return `${target}: an empty anchor`;
  return documentAt(file).anchors.has(anchor) ? undefined : `${target}: ${relative(ROOT, file)} has no heading with the anchor #${anchor}`;
};

/** README.md, every Markdown file at the top, and docs/*.md. */
const markdownFiles = (): string[] => [
  ...readdirSync(ROOT)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, name)),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name)),
];

/** The files whose comments and messages point into the documentation. */
const codeFiles = (): string[] => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(?:ts|cjs|mjs|js|java|sh|json|ya?ml)$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of ['functions', 'lib', 'tests', '.ci']) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  for (const name of readdirSync(ROOT)) {
    if (/\.(?:cjs|mjs|js|json|ya?ml)$/.test(name) && name !== 'package-lock.json') files.push(join(ROOT, name));
  }
  if (existsSync(join(ROOT, '.ci', 'run'))) files.push(join(ROOT, '.ci', 'run'));
  return files.filter((file) => file !== resolve('tests/unit/doc-links.test.ts'));
};

describe('the anchors GitHub gives headings', () => {
  it.each([
    ['1. Quick start', '1-quick-start'],
    ['What `total` is', 'what-total-is'],
    ['GET /actors/{id}', 'get-actorsid'],
    ['PUT /movies/{id}/actors/{actor_id}', 'put-moviesidactorsactor_id'],
    ['Signing-key rotation (Auth0)', 'signing-key-rotation-auth0'],
    ['Where the local stack differs from AWS, and what closes the gap', 'where-the-local-stack-differs-from-aws-and-what-closes-the-gap'],
    ['The local stack (`npm start`)', 'the-local-stack-npm-start'],
    ['Writes, versions, ETag and If-Match', 'writes-versions-etag-and-if-match'],
    ['Café  **crème**', 'café--crème'],
  ])('%j is #%s', (heading, anchor) => {
    expect(slug(heading)).toBe(anchor);
  });

  it('numbers a repeated heading, and ignores headings and links in fenced code', () => {
    const { anchors, links } = scan(
      ['# Logs', '## Logs', '```text', '# Logs', '[not a link](#nowhere)', '```', '   ```sh', '[still code](#x)', '   ```', 'See [`logs`](#logs-1) and `[code](#y)`.'].join('\n'),
    );
    expect([...anchors]).toEqual(['logs', 'logs-1']);
    expect(links).toEqual([{ target: '#logs-1', line: 10 }]);
  });
});

describe('the documentation', () => {
  it('has a README and the reference under docs/', () => {
    const files = markdownFiles().map((file) => relative(ROOT, file));
    expect(files).toEqual(expect.arrayContaining(['README.md']));
    expect(files.filter((file) => file.startsWith('docs/')).length).toBeGreaterThan(0);
  });

  it('links only to files that exist and to headings they have', () => {
    const broken = markdownFiles().flatMap((file) =>
      documentAt(file).links.flatMap(({ target, line }) => {
        const why = brokenLink(file, target);
        return why === undefined ? [] : [`${relative(ROOT, file)}:${line}: ${why}`];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('links every file under docs/ from the README', () => {
    const linked = new Set(
      documentAt(join(ROOT, 'README.md')).links.map(({ target }) => resolve(ROOT, decodeURIComponent(target.split('#')[0]!))),
    );
    const unlinked = markdownFiles()
      .filter((file) => file.startsWith(join(ROOT, 'docs')) && !linked.has(file))
      .map((file) => relative(ROOT, file));
    expect(unlinked).toEqual([]);
  });
});

describe('pointers from the code into the documentation', () => {
  it('name a file and a heading that exist', () => {
    const broken: string[] = [];
    for (const file of codeFiles()) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((text, index) => {
          const where = `${relative(ROOT, file)}:${index + 1}`;
          for (const match of text.matchAll(/\b((?:README|BENCHMARKS|docs\/[\w-]+)\.md)(#[\w-]+)?/g)) {
            const why = brokenLink(join(ROOT, 'README.md'), `${match[1]!}${match[2] ?? ''}`);
            if (why !== undefined) broken.push(`${where}: ${why}`);
          }
          // The README no longer has numbered sections or the reference: a pointer by section name cannot be checked.
          for (const match of text.matchAll(/README(?:'s)?,? ?(?:§\s?\w+|section|"[^"]*")/g)) broken.push(`${where}: ${match[0]} (point at a file#anchor instead)`);
        });
    }
    expect(broken).toEqual([]);
  });
});
