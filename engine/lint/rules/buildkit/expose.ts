import { buildkitRule } from './check';

// A port spec after its variables: `80`, `80/tcp`, `8000-8010/udp`, or the `ip:host:container` forms.
function splitPort(spec: string): { port: string; proto: string | undefined } {
  const slash = spec.lastIndexOf('/');
  return slash < 0 ? { port: spec, proto: undefined } : { port: spec.slice(0, slash), proto: spec.slice(slash + 1) };
}

/** ExposeProtoCasing: `EXPOSE 80/TCP`; Docker wants the protocol lowercase. */
export const exposeProtoCasing = buildkitRule({
  name: 'ExposeProtoCasing',
  description: 'Protocol in EXPOSE instruction should be lowercase',
  run({ dockerfile }, report) {
    for (const ins of dockerfile.instructions) {
      if (ins.keyword !== 'EXPOSE') continue;
      for (const word of ins.args) {
        const { proto } = splitPort(word.value);
        if (!proto || proto === proto.toLowerCase()) continue;
        const fixed = word.value.slice(0, word.value.length - proto.length) + proto.toLowerCase();
        report(word.range, `Defined protocol '${word.value}' in EXPOSE instruction should be lowercase`, [
          { title: `Write ${fixed}`, edits: [{ range: word.range, newText: fixed }], preferred: true },
        ]);
      }
    }
  },
});

/** ExposeInvalidFormat: `EXPOSE 127.0.0.1:80:80` or `8080:80`; publishing is `docker run -p`'s job. */
export const exposeInvalidFormat = buildkitRule({
  name: 'ExposeInvalidFormat',
  description: 'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release',
  run({ dockerfile }, report) {
    for (const ins of dockerfile.instructions) {
      if (ins.keyword !== 'EXPOSE') continue;
      for (const word of ins.args) {
        // `${PORT:-80}` has a colon of its own.
        if (splitPort(word.value.replace(/\$\{[^}]*\}/g, 'X')).port.includes(':')) {
          report(word.range, `EXPOSE instruction should not define an IP address or host-port mapping, found '${word.value}'`);
        }
      }
    }
  },
});
