import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/*
 * The shape of the source tree, as CONTRIBUTING.md's map draws it: folders
 * from the top layer down, each module importing only from its own folder
 * or from the ones after it, no import cycle, and the map naming every
 * source file and folder (and nothing that is not there).
 */
const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** The map: the code block after "## How the pieces fit". */
function readMap(): string[] {
  const text = fs.readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf-8');
  const section = text.slice(text.indexOf('## How the pieces fit'));
  const start = section.indexOf('```\n') + 4;
  return section.slice(start, section.indexOf('```', start)).split('\n');
}

/** The layers, top first: `src/<folder>/` and `src/<file>.ts` entries. */
function layers(map: string[]): string[] {
  return map
    .map(line => /^src\/([^\s]+)/.exec(line)?.[1])
    .filter((name): name is string => !!name && name !== '__tests__/')
    .map(name => name.replace(/\/$/, ''));
}

/** The file names the map gives under each folder. */
function named(map: string[]): Set<string> {
  const names = new Set<string>();
  let folder: string | null = null;
  for (const line of map) {
    const top = /^(\S+)/.exec(line)?.[1];
    if (top) {
      folder = top.startsWith('src/') && top.endsWith('/') ? top : null;
    }
    if (top?.startsWith('src/') && !top.endsWith('/')) {
      names.add(top);
    }
    if (folder) {
      for (const [file] of line.matchAll(/\b[\w-]+\.(?:tsx?|json)\b/g)) {
        names.add(folder + file);
      }
    }
  }
  return names;
}

/** Every source file (tests left out), relative to the repository. */
function sources(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === '__tests__' ? [] : sources(full);
    }
    return /\.(tsx?|json)$/.test(entry.name)
      ? [path.relative(ROOT, full).split(path.sep).join('/')]
      : [];
  });
}

/** The source files a module imports (relative imports, resolved). */
function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
  const found = text.matchAll(
    /(?:from\s+|import\s*\(\s*(?:\/\*[^*]*\*\/\s*)?)'(\.[^']+)'/g
  );
  return [...found].map(([, spec]) => {
    const base = path.posix.join(path.posix.dirname(file), spec);
    return (
      [base, `${base}.ts`, `${base}.tsx`].find(candidate =>
        fs.existsSync(path.join(ROOT, candidate))
      ) ?? base
    );
  });
}

/** The layer a file is in: its top folder, or itself at the top of src. */
function layerOf(file: string): string {
  return file.replace(/^src\//, '').split('/')[0];
}

describe("CONTRIBUTING's map of the source tree", () => {
  const map = readMap();
  const order = layers(map);
  const files = sources();

  it('names every source folder and top-level module, each once', () => {
    const present = new Set(files.map(layerOf));
    expect([...order].sort()).toEqual([...present].sort());
    expect(new Set(order).size).toBe(order.length);
  });

  it('names every source file, and none that is missing', () => {
    const names = named(map);
    expect(files.filter(file => !names.has(file))).toEqual([]);
    expect(
      [...names].filter(name => !fs.existsSync(path.join(ROOT, name)))
    ).toEqual([]);
  });

  it('has no module importing from a layer above its own', () => {
    const upward = files.flatMap(file =>
      imports(file)
        .filter(
          target =>
            target.startsWith('src/') &&
            order.indexOf(layerOf(target)) < order.indexOf(layerOf(file))
        )
        .map(target => `${file} -> ${target}`)
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map(
      files.map(file => [file, imports(file).filter(t => files.includes(t))])
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') {
        return;
      }
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) {
        visit(target, [...trail, file]);
      }
      state.set(file, 'done');
    };
    files.forEach(file => visit(file, []));
    expect(cycles).toEqual([]);
  });

  it('has no module over 450 lines', () => {
    const long = files
      .filter(file => /\.tsx?$/.test(file))
      .map(file => [file, lineCount(file)] as const)
      .filter(([, lines]) => lines > 450);
    expect(long).toEqual([]);
  });

  it('has no function over 60 lines (a React view over 80)', () => {
    const long = files
      .filter(file => /\.tsx?$/.test(file))
      .flatMap(file => functionsOf(file))
      .filter(f => f.lines > (f.view ? 80 : 60))
      .map(f => `${f.where} (${f.lines} lines)`);
    expect(long).toEqual([]);
  });

  it('reads the imports it judges', () => {
    expect(imports('src/session/session.ts')).toContain('src/lazy.ts');
    expect(order.indexOf('plugins')).toBeLessThan(order.indexOf('rules'));
    const measured = functionsOf('src/lazy.ts');
    expect(measured.map(f => [f.where, f.lines])).toContainEqual([
      'src/lazy.ts:5 lazy',
      8
    ]);
  });
});

/** The number of lines of a file. */
function lineCount(file: string): number {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Every function with a body: where it starts, its length, whether it is a React view. */
function functionsOf(
  file: string
): { where: string; lines: number; view: boolean }[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
  );
  const found: { where: string; lines: number; view: boolean }[] = [];
  const line = (at: number) => source.getLineAndCharacterOfPosition(at).line;
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = line(node.getStart());
      const name =
        node.name?.getText() ??
        ((node.parent as { name?: ts.Node }).name?.getText() || '(anonymous)');
      found.push({
        where: `${file}:${start + 1} ${name}`,
        lines: line(node.end) - start + 1,
        view: file.endsWith('.tsx') && /^[A-Z]/.test(name)
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
