// Parse a generated, realistic 10,000-line Dockerfile with Layerwise's parser and with
// dockerfile-ast (the parser behind the usual VS Code Dockerfile support) in this one process,
// and print the medians and their ratio. Run by hand after `npx tsc -p .`:
//   node bench/parse.mjs [runs] [lines]
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { parseDockerfile } = require('../out/engine/dockerfile/parser.js');
const { DockerfileParser } = require('dockerfile-ast');

const runs = Math.max(20, Number(process.argv[2] ?? 30));
const targetLines = Number(process.argv[3] ?? 10_000);

/** A deterministic PRNG, so every run (and every machine) parses the same text. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stage-sized chunks of the kinds of lines real Dockerfiles are made of. */
export function generateDockerfile(lines, seed = 42) {
  const rnd = prng(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const pkgs = ['curl', 'git', 'ca-certificates', 'build-essential', 'python3', 'jq', 'unzip', 'openssl', 'tzdata', 'libssl-dev'];
  const out = ['# syntax=docker/dockerfile:1.7', '# check=skip=JSONArgsRecommended', 'ARG BASE=debian:bookworm-slim', 'ARG VERSION=1.2.3', ''];
  let stage = 0;
  while (out.length < lines) {
    const name = `stage${stage}`;
    out.push(`# ---- stage ${stage}: build step ----`);
    out.push(stage % 3 === 0 ? `FROM \${BASE} AS ${name}` : `FROM --platform=$BUILDPLATFORM stage${stage - 1} AS ${name}`);
    out.push('ARG VERSION', 'ARG TARGETARCH');
    out.push(`ENV APP_HOME=/opt/app${stage} \\`, `    PATH="/opt/app${stage}/bin:$PATH" \\`, `    LANG=C.UTF-8`);
    out.push(`LABEL org.opencontainers.image.title="app ${stage}" org.opencontainers.image.version="$VERSION" \\`, '      maintainer="ops@example.com"');
    out.push('WORKDIR /src');
    const n = 3 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      switch (Math.floor(rnd() * 7)) {
        case 0:
          out.push('RUN apt-get update \\', `    && apt-get install -y --no-install-recommends ${pick(pkgs)} ${pick(pkgs)} ${pick(pkgs)} \\`, '    # keep the layer small', '    && rm -rf /var/lib/apt/lists/*');
          break;
        case 1:
          out.push('RUN --mount=type=cache,target=/root/.cache,sharing=locked \\', `    --mount=type=bind,from=${stage > 0 ? `stage${stage - 1}` : 'alpine:3.20'},source=/out,target=/in \\`, `    make -C /src -j"$(nproc)" TARGET=\${TARGETARCH:-amd64} VERSION=\${VERSION}`);
          break;
        case 2:
          out.push('COPY <<EOF /etc/app/config.toml', `name = "app-${stage}"`, `threads = ${1 + Math.floor(rnd() * 16)}`, 'home = "$APP_HOME"', 'EOF');
          break;
        case 3:
          out.push('RUN <<-SCRIPT bash', '\tset -eux', `\techo building ${name} for "$TARGETARCH"`, '\ttest -d "$APP_HOME" || mkdir -p "$APP_HOME"', '\tSCRIPT');
          break;
        case 4:
          out.push(`COPY --chown=app:app --chmod=0755 ["bin/tool-${i}", "scripts/run.sh", "/usr/local/bin/"]`);
          break;
        case 5:
          out.push(`COPY --from=${stage > 0 ? `stage${stage - 1}` : 'busybox'} --link /out/ /opt/app${stage}/`, `ADD --checksum=sha256:${'ab'.repeat(32)} https://example.com/pkg-${i}.tar.gz /tmp/`);
          break;
        default:
          out.push(`ENV FEATURE_${i}=on MODE=${pick(['debug', 'release'])} OPTS="--color=always --jobs=4"`, `EXPOSE ${8000 + i}/tcp ${9000 + i}/udp`);
      }
    }
    out.push('USER app:app', `HEALTHCHECK --interval=30s --timeout=3s CMD ["curl", "-f", "http://localhost:${8000 + stage}/health"]`);
    out.push(`ENTRYPOINT ["/usr/local/bin/run.sh", "--stage", "${name}"]`, 'CMD ["--help"]', '');
    stage++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const source = generateDockerfile(targetLines);
const ours = () => parseDockerfile(source);
const theirs = () => DockerfileParser.parse(source);

const check = ours();
if (check.errors.length > 0) throw new Error(`generated Dockerfile has parse errors: ${JSON.stringify(check.errors.slice(0, 3))}`);
const theirInstructions = theirs().getInstructions().length;

// Warm up both, interleaved, so the JIT sees each before anything is measured.
for (let i = 0; i < 10; i++) {
  ours();
  theirs();
}
const a = [];
const b = [];
for (let i = 0; i < runs; i++) {
  // Alternate which goes first so that GC debt from one does not always land on the other.
  if (i % 2 === 0) {
    a.push(time(ours));
    b.push(time(theirs));
  } else {
    b.push(time(theirs));
    a.push(time(ours));
  }
}
const oursMs = median(a);
const theirsMs = median(b);
console.log(`Dockerfile: ${source.split('\n').length - 1} lines, ${(source.length / 1024).toFixed(0)} KiB; ours ${check.instructions.length} instructions, dockerfile-ast ${theirInstructions}`);
console.log(`runs: ${runs} each (after 10 warm-up runs)`);
console.log(`layerwise      median ${oursMs.toFixed(2)} ms (min ${Math.min(...a).toFixed(2)})`);
console.log(`dockerfile-ast median ${theirsMs.toFixed(2)} ms (min ${Math.min(...b).toFixed(2)})`);
console.log(`ratio ours/theirs: ${(oursMs / theirsMs).toFixed(2)}`);
