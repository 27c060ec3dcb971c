// A realistic generated Dockerfile of any length, shared by the parse and lint benchmarks.

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

/** Stage-sized chunks of the kinds of lines real Dockerfiles are made of; the same text for the same seed. */
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
  // Cut after the last whole stage that fits (never inside a heredoc or continuation), then
  // pad with one-line instructions to exactly `lines`.
  let end = Math.min(out.length, lines);
  while (end > 0 && out[end - 1] !== '') end--;
  const kept = out.slice(0, end);
  for (let i = 0; kept.length < lines; i++) kept.push(`LABEL pad.${i}=x`);
  return kept.join('\n') + '\n';
}

