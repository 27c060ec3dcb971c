// Tokenizes sample Dockerfiles with the extension's TextMate grammar (syntaxes/dockerfile.tmLanguage.json)
// through vscode-textmate + vscode-oniguruma, the same engine VS Code uses, and checks the scopes
// of chosen tokens.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tm from 'vscode-textmate';
import * as onig from 'vscode-oniguruma';

const SCOPE = 'source.dockerfile.layerwise';
const KEYWORD = 'keyword.other.special-method.dockerfile';
const COMMENT = 'comment.line.number-sign.dockerfile';
const DIRECTIVE = 'keyword.control.directive.dockerfile';
const VARIABLE = 'variable.other.dockerfile';
const RUN = 'meta.instruction.run.dockerfile';
const HEREDOC = 'meta.heredoc.dockerfile';
const HEREDOC_TAG = 'entity.name.tag.heredoc.dockerfile';
const SHELL_BODY = 'meta.embedded.shell';

/** The project root: $LAYERWISE_ROOT, else the nearest folder above this file holding package.json. */
function projectRoot(): string {
  if (process.env.LAYERWISE_ROOT) return path.resolve(process.env.LAYERWISE_ROOT);
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

let grammar: tm.IGrammar;

before(async () => {
  const root = projectRoot();
  await onig.loadWASM(fs.readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')));
  const grammarPath = path.join(root, 'syntaxes', 'dockerfile.tmLanguage.json');
  const registry = new tm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => onig.createOnigScanner(sources),
      createOnigString: (text: string) => onig.createOnigString(text),
    }),
    // Only our grammar is available: source.shell (used in RUN heredoc bodies) resolves to nothing.
    loadGrammar: async (scopeName: string) =>
      scopeName === SCOPE ? tm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const loaded = await registry.loadGrammar(SCOPE);
  if (!loaded) throw new Error(`cannot load ${grammarPath}`);
  grammar = loaded;
});

interface Token { text: string; scopes: string[] }
interface Doc { lines: string[]; tokens: Token[][] }

function tokenize(source: string): Doc {
  const lines = source.split('\n');
  const tokens: Token[][] = [];
  let state = tm.INITIAL;
  for (const line of lines) {
    const result = grammar.tokenizeLine(line, state);
    tokens.push(result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })));
    state = result.ruleStack;
  }
  return { lines, tokens };
}

/** The token under the first character of the nth (0-based) occurrence of `needle` on line `line` (1-based). */
function tokenAt(doc: Doc, line: number, needle: string, nth = 0): Token {
  const text = doc.lines[line - 1];
  assert.ok(text !== undefined, `no line ${line}`);
  let column = -1;
  for (let i = 0; i <= nth; i++) {
    column = text.indexOf(needle, column + 1);
    assert.ok(column >= 0, `"${needle}" #${nth} not on line ${line}: ${JSON.stringify(text)}`);
  }
  let start = 0;
  for (const token of doc.tokens[line - 1]) {
    if (column >= start && column < start + token.text.length) return token;
    start += token.text.length;
  }
  throw new Error(`no token at ${line}:${column}`);
}

function describe(doc: Doc, line: number, needle: string, nth: number): string {
  const token = tokenAt(doc, line, needle, nth);
  return `line ${line} ${JSON.stringify(doc.lines[line - 1])}, token ${JSON.stringify(token.text)}: [${token.scopes.join(', ')}]`;
}

/** Asserts that the token at `needle` carries `scope` (exactly, as one of its scopes). */
function has(doc: Doc, line: number, needle: string, scope: string, nth = 0): void {
  assert.ok(tokenAt(doc, line, needle, nth).scopes.includes(scope), `expected ${scope} at ${describe(doc, line, needle, nth)}`);
}

/** Asserts that no scope of the token at `needle` starts with `prefix`. */
function lacks(doc: Doc, line: number, needle: string, prefix: string, nth = 0): void {
  const found = tokenAt(doc, line, needle, nth).scopes.find((s) => s === prefix || s.startsWith(prefix + '.'));
  assert.equal(found, undefined, `unexpected ${prefix} at ${describe(doc, line, needle, nth)}`);
}

/** Asserts that the token at `needle` is exactly `text` (it was not merged with its neighbours). */
function tokenIs(doc: Doc, line: number, needle: string, text: string, nth = 0): void {
  assert.equal(tokenAt(doc, line, needle, nth).text, text, describe(doc, line, needle, nth));
}

const INSTRUCTIONS = [
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT',
  'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
];

test('every instruction keyword is recognised in upper, lower and mixed case', () => {
  for (const kw of INSTRUCTIONS) {
    for (const spelling of [kw, kw.toLowerCase(), kw[0] + kw.slice(1).toLowerCase()]) {
      const arg = kw === 'ONBUILD' ? 'RUN true' : 'x';
      const doc = tokenize(`${spelling} ${arg}\n`);
      has(doc, 1, spelling, KEYWORD);
      tokenIs(doc, 1, spelling, spelling);
      has(doc, 1, spelling, `meta.instruction.${kw.toLowerCase()}.dockerfile`);
    }
  }
});

test('keywords are only keywords at the start of an instruction', () => {
  const doc = tokenize([
    'RUNX foo',
    'RUN echo FROM COPY',
    '  workdir /app',
  ].join('\n'));
  lacks(doc, 1, 'RUNX', 'keyword');
  lacks(doc, 2, 'FROM', 'keyword');
  lacks(doc, 2, 'COPY', 'keyword');
  has(doc, 3, 'workdir', KEYWORD); // leading whitespace is allowed
});

test('ONBUILD is followed by another instruction; HEALTHCHECK takes NONE or CMD', () => {
  const doc = tokenize([
    'ONBUILD copy . /src',
    'HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/ || exit 1',
    'HEALTHCHECK NONE',
    'ONBUILD ONBUILD RUN x',
  ].join('\n'));
  has(doc, 1, 'ONBUILD', KEYWORD);
  has(doc, 1, 'copy', KEYWORD);
  has(doc, 1, 'copy', 'meta.instruction.onbuild.dockerfile');
  has(doc, 1, 'copy', 'meta.instruction.copy.dockerfile');
  has(doc, 2, 'HEALTHCHECK', KEYWORD);
  has(doc, 2, 'CMD', KEYWORD);
  has(doc, 2, '30s', 'constant.numeric.duration.dockerfile');
  has(doc, 2, '3 CMD', 'constant.numeric.integer.dockerfile');
  lacks(doc, 2, 'curl', 'keyword');
  has(doc, 3, 'NONE', 'constant.language.none.dockerfile');
  // BuildKit rejects chaining ONBUILD, so the second one is not a keyword.
  lacks(doc, 4, 'ONBUILD', 'keyword', 1);
});

test('parser directives at the top are scoped apart from comments', () => {
  const doc = tokenize([
    '# syntax=docker/dockerfile:1',
    '#check = skip=JSONArgsRecommended;error=true',
    '# just a comment',
    '# escape=\\',
    'FROM alpine',
    '# syntax=too/late',
  ].join('\n'));
  has(doc, 1, 'syntax', DIRECTIVE);
  has(doc, 1, 'docker/dockerfile:1', 'string.unquoted.directive-value.dockerfile');
  lacks(doc, 1, '#', 'comment');
  has(doc, 1, '#', 'punctuation.definition.directive.dockerfile');
  has(doc, 2, 'check', DIRECTIVE);
  has(doc, 2, 'skip', 'entity.other.attribute-name.directive.dockerfile');
  has(doc, 2, 'true', 'constant.language.boolean.dockerfile');
  has(doc, 3, 'just', COMMENT);
  lacks(doc, 3, '#', 'meta.directive');
  // After an ordinary comment BuildKit stops looking for directives.
  has(doc, 4, 'escape', COMMENT);
  lacks(doc, 4, 'escape', 'keyword');
  has(doc, 6, 'syntax', COMMENT);
  lacks(doc, 6, 'syntax', 'keyword');
});

test('an unknown directive ends the directives', () => {
  const doc = tokenize(['# foo=bar', '# syntax=docker/dockerfile:1', 'FROM x'].join('\n'));
  has(doc, 1, 'foo', COMMENT);
  has(doc, 2, 'syntax', COMMENT);
  lacks(doc, 2, 'syntax', 'keyword');
});

test('a blank line ends the directives', () => {
  const doc = tokenize(['# syntax=docker/dockerfile:1', '', '# check=error=true', 'FROM x'].join('\n'));
  has(doc, 1, 'syntax', DIRECTIVE);
  has(doc, 3, 'check', COMMENT);
});

test('comments are whole lines only; # inside arguments is not a comment', () => {
  const doc = tokenize([
    '   # indented comment',
    'ENV COLOR=#fff',
    'RUN echo a#b # not a Dockerfile comment',
    'LABEL url="http://x/#frag"',
  ].join('\n'));
  has(doc, 1, '#', COMMENT);
  has(doc, 1, '#', 'punctuation.definition.comment.dockerfile');
  has(doc, 1, 'indented', COMMENT);
  lacks(doc, 2, '#fff', 'comment');
  has(doc, 2, '#fff', 'meta.instruction.env.dockerfile');
  lacks(doc, 3, '#b', 'comment');
  lacks(doc, 3, '# not', 'comment');
  has(doc, 3, '# not', RUN);
  lacks(doc, 4, '#frag', 'comment');
  has(doc, 4, '#frag', 'string.quoted.double.dockerfile');
});

test('flags before the arguments', () => {
  const doc = tokenize([
    'COPY --from=build --chmod=755 --link /out /app',
    'RUN --mount=type=cache,target=/root/.cache,sharing=locked pip install -r requirements.txt --no-cache-dir',
    'FROM --platform=$BUILDPLATFORM golang:1.22',
  ].join('\n'));
  has(doc, 1, '--from', 'variable.parameter.flag.dockerfile');
  has(doc, 1, '--from', 'punctuation.definition.flag.dockerfile');
  has(doc, 1, 'build', 'entity.name.type.stage.dockerfile');
  has(doc, 1, '--chmod', 'variable.parameter.flag.dockerfile');
  has(doc, 1, '755', 'constant.numeric.integer.dockerfile');
  has(doc, 1, '--link', 'variable.parameter.flag.dockerfile');
  lacks(doc, 1, '/out', 'meta.flag');
  has(doc, 2, 'type', 'entity.other.attribute-name.dockerfile');
  has(doc, 2, 'target', 'entity.other.attribute-name.dockerfile');
  has(doc, 2, ',', 'punctuation.separator.comma.dockerfile');
  has(doc, 2, '/root/.cache', 'meta.flag.dockerfile');
  // A flag-looking word after the first argument belongs to the command.
  lacks(doc, 2, '-r', 'meta.flag');
  lacks(doc, 2, '--no-cache-dir', 'meta.flag');
  lacks(doc, 2, '--no-cache-dir', 'variable.parameter');
  has(doc, 3, '--platform', 'variable.parameter.flag.dockerfile');
  has(doc, 3, 'BUILDPLATFORM', VARIABLE);
});

test('variables, and no variables inside single quotes', () => {
  const doc = tokenize([
    'RUN echo $HOME ${USER} ${GOOS:-linux} \'$NOT_A_VAR\' "$IN_DOUBLE" \\$ESCAPED',
    'WORKDIR ${APP_DIR:+/opt/app}',
  ].join('\n'));
  has(doc, 1, 'HOME', VARIABLE);
  has(doc, 1, '$HOME', 'punctuation.definition.variable.dockerfile');
  has(doc, 1, 'USER', VARIABLE);
  has(doc, 1, '${USER}', 'punctuation.definition.variable.dockerfile');
  has(doc, 1, '}', 'punctuation.definition.variable.end.dockerfile');
  has(doc, 1, 'GOOS', VARIABLE);
  has(doc, 1, ':-', 'keyword.operator.expansion.dockerfile');
  has(doc, 1, 'linux', 'meta.interpolation.variable.dockerfile');
  lacks(doc, 1, 'linux', VARIABLE);
  has(doc, 1, '$NOT_A_VAR', 'string.quoted.single.dockerfile');
  lacks(doc, 1, '$NOT_A_VAR', 'variable');
  lacks(doc, 1, 'NOT_A_VAR', 'variable');
  has(doc, 1, 'IN_DOUBLE', VARIABLE);
  has(doc, 1, 'IN_DOUBLE', 'string.quoted.double.dockerfile');
  has(doc, 1, '\\$', 'constant.character.escape.dockerfile');
  lacks(doc, 1, 'ESCAPED', 'variable');
  has(doc, 2, 'APP_DIR', VARIABLE);
  has(doc, 2, ':+', 'keyword.operator.expansion.dockerfile');
});

test('quoted strings and their escapes', () => {
  const doc = tokenize([
    'LABEL description="say \\"hi\\" to $NAME" other=\'it\\\'',
    'RUN echo done',
  ].join('\n'));
  has(doc, 1, '"say', 'string.quoted.double.dockerfile');
  has(doc, 1, '"say', 'punctuation.definition.string.begin.dockerfile');
  has(doc, 1, '\\"hi', 'constant.character.escape.dockerfile');
  tokenIs(doc, 1, '\\"hi', '\\"');
  has(doc, 1, 'NAME', VARIABLE);
  has(doc, 1, 'to $NAME"', 'string.quoted.double.dockerfile');
  has(doc, 1, 'description', 'entity.other.attribute-name.label.dockerfile');
  // No escapes in single quotes: the backslash is literal and the next quote closes the string.
  has(doc, 1, 'it\\', 'string.quoted.single.dockerfile');
  lacks(doc, 1, '\\\'', 'constant.character.escape');
  has(doc, 1, '\'', 'punctuation.definition.string.end.dockerfile', 1);
  has(doc, 2, 'RUN', KEYWORD);
});

test('JSON exec form arrays hold JSON strings', () => {
  const doc = tokenize([
    'CMD ["node", "server.js", "$HOME", "a\\"b"]',
    'ENTRYPOINT [ "/bin/sh", \\',
    '  "-c" ]',
    'RUN [ -f /etc/x ] && echo "[x]"',
    'COPY ["$SRC", "/dst/"]',
    'SHELL ["pwsh", "-Command"]',
  ].join('\n'));
  has(doc, 1, '[', 'punctuation.definition.array.begin.dockerfile');
  has(doc, 1, 'node', 'string.quoted.double.json.dockerfile');
  has(doc, 1, 'server.js', 'string.quoted.double.json.dockerfile');
  has(doc, 1, ',', 'punctuation.separator.array.dockerfile');
  has(doc, 1, ']', 'punctuation.definition.array.end.dockerfile');
  has(doc, 1, '\\"', 'constant.character.escape.json.dockerfile');
  // The exec form runs no shell: $HOME stays literal.
  lacks(doc, 1, '$HOME', 'variable');
  has(doc, 3, '-c', 'string.quoted.double.json.dockerfile');
  has(doc, 3, '-c', 'meta.instruction.entrypoint.dockerfile');
  has(doc, 3, ']', 'punctuation.definition.array.end.dockerfile');
  // Not JSON: BuildKit runs it in the shell form.
  lacks(doc, 4, '[', 'meta.array');
  lacks(doc, 4, '[x]', 'meta.array');
  has(doc, 4, '"[x]"', 'string.quoted.double.dockerfile');
  // COPY's JSON form still expands variables.
  has(doc, 5, 'SRC', VARIABLE);
  has(doc, 5, 'SRC', 'string.quoted.double.json.dockerfile');
  has(doc, 6, 'pwsh', 'string.quoted.double.json.dockerfile');
});

test('continuation lines keep the instruction, comment lines inside included', () => {
  const doc = tokenize([
    'RUN apt-get update \\',
    '    # a comment inside the continuation',
    '    && apt-get install -y curl \\',
    '',
    '    && rm -rf /var/lib/apt/lists/*',
    'EXPOSE 8080/tcp',
    'RUN echo one \\',
    'FROM alpine',
    'RUN echo trailing\\\\',
    'USER app',
  ].join('\n'));
  has(doc, 1, '\\', 'constant.character.escape.line-continuation.dockerfile');
  has(doc, 2, 'a comment', COMMENT);
  has(doc, 2, 'a comment', RUN);
  has(doc, 3, 'apt-get', RUN);
  lacks(doc, 3, 'apt-get', 'comment');
  // An empty line inside a continuation does not end it.
  has(doc, 5, 'rm', RUN);
  has(doc, 6, 'EXPOSE', KEYWORD);
  lacks(doc, 6, 'EXPOSE', RUN);
  has(doc, 6, '8080', 'constant.numeric.integer.port.dockerfile');
  has(doc, 6, 'tcp', 'constant.language.protocol.dockerfile');
  // A continued line swallows the next one, whatever it looks like.
  has(doc, 8, 'FROM', RUN);
  lacks(doc, 8, 'FROM', 'keyword');
  // An escaped backslash at the end of a line is not a continuation.
  has(doc, 9, '\\\\', 'constant.character.escape.dockerfile');
  has(doc, 10, 'USER', KEYWORD);
  lacks(doc, 10, 'USER', RUN);
});

test('heredoc: the body is embedded shell up to the delimiter line, then instructions resume', () => {
  const doc = tokenize([
    'RUN <<EOF',
    'apt-get update',
    'FROM not-an-instruction',
    '# shell comment, not a Dockerfile one',
    '  EOF',
    'EOFX',
    'EOF',
    'WORKDIR /app',
  ].join('\n'));
  has(doc, 1, '<<', 'keyword.operator.heredoc.dockerfile');
  has(doc, 1, 'EOF', HEREDOC_TAG);
  has(doc, 2, 'apt-get', SHELL_BODY);
  has(doc, 2, 'apt-get', RUN);
  has(doc, 3, 'FROM', SHELL_BODY);
  lacks(doc, 3, 'FROM', 'keyword');
  lacks(doc, 4, '#', COMMENT);
  has(doc, 4, '#', SHELL_BODY);
  // Neither an indented delimiter (no <<-) nor a longer word ends the body.
  has(doc, 5, 'EOF', SHELL_BODY);
  has(doc, 6, 'EOFX', SHELL_BODY);
  has(doc, 7, 'EOF', HEREDOC_TAG);
  lacks(doc, 7, 'EOF', SHELL_BODY);
  has(doc, 8, 'WORKDIR', KEYWORD);
  lacks(doc, 8, 'WORKDIR', HEREDOC);
  lacks(doc, 8, 'WORKDIR', RUN);
});

test('heredoc: <<- ends at a tab-indented delimiter', () => {
  const doc = tokenize([
    'RUN <<-EOT bash -ex',
    '\tif true; then',
    '\t\techo yes',
    '\tfi',
    '\tEOT',
    'USER nobody',
  ].join('\n'));
  has(doc, 1, '<<-', 'keyword.operator.heredoc.dockerfile');
  tokenIs(doc, 1, '<<-', '<<-');
  has(doc, 1, 'EOT', HEREDOC_TAG);
  has(doc, 1, 'bash', RUN);
  lacks(doc, 1, 'bash', SHELL_BODY);
  has(doc, 2, 'if', SHELL_BODY);
  has(doc, 4, 'fi', SHELL_BODY);
  has(doc, 5, 'EOT', HEREDOC_TAG);
  lacks(doc, 5, 'EOT', SHELL_BODY);
  has(doc, 6, 'USER', KEYWORD);
  lacks(doc, 6, 'USER', HEREDOC);
});

test('heredoc: quoted delimiters, COPY bodies, and variables', () => {
  const doc = tokenize([
    'COPY <<EOF /etc/app.conf',
    'home=$HOME',
    'EOF',
    'COPY <<"EOF" /etc/raw.conf',
    'home=$HOME',
    'EOF',
    "RUN <<'END'",
    'echo $HOME',
    'END',
    'CMD ["app"]',
  ].join('\n'));
  has(doc, 2, 'home', 'string.unquoted.heredoc.dockerfile');
  has(doc, 2, 'HOME', VARIABLE);
  has(doc, 4, '"', 'punctuation.definition.heredoc.quote.dockerfile');
  has(doc, 4, 'EOF', HEREDOC_TAG);
  has(doc, 5, 'HOME', 'string.unquoted.heredoc.dockerfile');
  lacks(doc, 5, 'HOME', 'variable');
  has(doc, 7, 'END', HEREDOC_TAG);
  has(doc, 8, 'echo', SHELL_BODY);
  has(doc, 9, 'END', HEREDOC_TAG);
  has(doc, 10, 'CMD', KEYWORD);
  lacks(doc, 10, 'CMD', HEREDOC);
});

test('heredoc: two on one line take their bodies in turn', () => {
  const doc = tokenize([
    'RUN <<FILE1 cat > /file1 && <<FILE2 cat > /file2',
    'first body',
    'FILE2 inside the first body',
    'FILE1',
    'second body',
    'FILE2',
    'ENV DONE=1',
  ].join('\n'));
  has(doc, 1, 'FILE1', HEREDOC_TAG);
  has(doc, 1, 'FILE2', HEREDOC_TAG);
  has(doc, 2, 'first', SHELL_BODY);
  has(doc, 3, 'FILE2', SHELL_BODY);
  has(doc, 4, 'FILE1', HEREDOC_TAG);
  has(doc, 5, 'second', SHELL_BODY);
  has(doc, 6, 'FILE2', HEREDOC_TAG);
  lacks(doc, 6, 'FILE2', SHELL_BODY);
  has(doc, 7, 'ENV', KEYWORD);
  lacks(doc, 7, 'ENV', HEREDOC);
});

test('heredocs only in RUN, COPY and ADD, and not in JSON or quotes', () => {
  const doc = tokenize([
    'CMD cat <<EOF',
    'USER one',
    'RUN echo "<<EOF"',
    'USER two',
    'RUN cat <<<EOF',
    'USER three',
  ].join('\n'));
  lacks(doc, 1, '<<', 'keyword.operator.heredoc');
  has(doc, 2, 'USER', KEYWORD);
  lacks(doc, 3, '<<', 'keyword.operator.heredoc');
  has(doc, 4, 'USER', KEYWORD);
  lacks(doc, 5, '<<<', 'keyword.operator.heredoc');
  has(doc, 6, 'USER', KEYWORD);
});

test('FROM image AS stage', () => {
  const doc = tokenize([
    'FROM golang:1.22-alpine AS build',
    'from registry.example.com:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef as final',
    'FROM scratch',
    'FROM build',
  ].join('\n'));
  has(doc, 1, 'AS', 'keyword.other.as.dockerfile');
  has(doc, 1, 'build', 'entity.name.type.stage.dockerfile');
  tokenIs(doc, 1, 'build', 'build');
  has(doc, 1, 'golang', 'entity.name.type.image.dockerfile');
  has(doc, 1, '1.22-alpine', 'constant.other.tag.dockerfile');
  lacks(doc, 1, 'golang', 'entity.name.type.stage');
  has(doc, 2, 'as final', 'keyword.other.as.dockerfile');
  has(doc, 2, 'final', 'entity.name.type.stage.dockerfile');
  has(doc, 2, 'sha256', 'constant.other.digest.dockerfile');
  // The registry's port is not a tag.
  lacks(doc, 2, '5000', 'constant.other.tag');
  has(doc, 3, 'scratch', 'constant.language.scratch.dockerfile');
  lacks(doc, 4, 'build', 'entity.name.type.stage');
});

test('ENV, ARG and the other instructions\' arguments', () => {
  const doc = tokenize([
    'ENV PATH=/opt/bin:$PATH LANG=C.UTF-8',
    'ENV LEGACY value with spaces',
    'ARG VERSION=1.0 TARGETOS',
    'USER 1000:app',
    'STOPSIGNAL SIGTERM',
  ].join('\n'));
  has(doc, 1, 'PATH', 'variable.other.assignment.dockerfile');
  has(doc, 1, '=', 'keyword.operator.assignment.dockerfile');
  has(doc, 1, 'PATH', VARIABLE, 1);
  has(doc, 1, 'LANG', 'variable.other.assignment.dockerfile');
  has(doc, 2, 'LEGACY', 'variable.other.assignment.dockerfile');
  lacks(doc, 2, 'value', 'variable');
  has(doc, 3, 'VERSION', 'variable.other.assignment.dockerfile');
  has(doc, 3, 'TARGETOS', 'variable.other.assignment.dockerfile');
  has(doc, 4, '1000', 'constant.numeric.integer.id.dockerfile');
  has(doc, 5, 'SIGTERM', 'constant.other.signal.dockerfile');
});

test('# escape=` makes the backtick the escape and continuation character', () => {
  const doc = tokenize([
    '# escape=`',
    '# syntax=docker/dockerfile:1',
    'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
    'COPY app\\ C:\\app\\',
    'RUN powershell -Command `',
    '    Write-Host "a`"b"',
    'WORKDIR C:\\app',
  ].join('\n'));
  has(doc, 1, 'escape', DIRECTIVE);
  has(doc, 1, '`', 'constant.character.escape.directive-value.dockerfile');
  has(doc, 2, 'syntax', DIRECTIVE);
  has(doc, 3, 'FROM', KEYWORD);
  // The backslash at the end is an ordinary character now.
  lacks(doc, 4, '\\', 'constant.character.escape', 2);
  has(doc, 5, 'RUN', KEYWORD);
  has(doc, 5, '`', 'constant.character.escape.line-continuation.dockerfile');
  has(doc, 6, 'Write-Host', RUN);
  has(doc, 6, '`"', 'constant.character.escape.dockerfile');
  has(doc, 7, 'WORKDIR', KEYWORD);
  lacks(doc, 7, 'WORKDIR', RUN);
});

test('the grammar file is valid JSON with the contributed scope name', () => {
  const raw = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'syntaxes', 'dockerfile.tmLanguage.json'), 'utf8'));
  assert.equal(raw.scopeName, SCOPE);
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'syntaxes', 'language-configuration.json'), 'utf8'));
  assert.equal(config.comments.lineComment, '#');
  const word = new RegExp(config.wordPattern, 'g');
  assert.deepEqual('echo ${HOME} $USER --mount apt-get'.match(word), ['echo', '${HOME}', '$USER', '--mount', 'apt-get']);
  const keep = config.onEnterRules.find((r: { action: { indent: string } }) => r.action.indent === 'none');
  assert.ok(new RegExp(keep.beforeText).test('    && make \\'));
  assert.ok(!new RegExp(keep.beforeText).test('    && make'));
});
