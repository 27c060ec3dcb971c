import type { Instruction } from '../../dockerfile/types';
import type { HealthConfig } from '../../image/oci';
import { goQuote } from '../../dockerfile/dump';
import type { StageState } from '../stage-state';
import { metadataTime, type StepContext } from './step-context';

/**
 * Instructions that only change the image config. Each writes the config field and the
 * history text the way BuildKit's dockerfile2llb does, so `docker history` reads the same.
 */
export function applyMetadata(ins: Instruction, state: StageState, ctx: StepContext): void {
  const cfg = state.config.config;
  const commit = (text: string) => state.commitMetadata(text, metadataTime(ctx, state), ins.range);
  switch (ins.keyword) {
    case 'ENV': {
      const pairs = ins.keyValues.map((kv) => [state.vars.word(kv.key.value), state.vars.word(kv.value?.value ?? '')] as const);
      for (const [k, v] of pairs) state.setEnv(k, v);
      return commit(`ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    }
    case 'LABEL': {
      const pairs = ins.keyValues.map((kv) => [state.vars.word(kv.key.value), state.vars.word(kv.value?.value ?? '')] as const);
      cfg.Labels ??= {};
      for (const [k, v] of pairs) cfg.Labels[k] = v;
      return commit(`LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    }
    case 'MAINTAINER': {
      state.config.author = ins.args[0]?.value ?? '';
      return commit(`MAINTAINER ${state.config.author}`);
    }
    case 'USER': {
      cfg.User = state.vars.word(requireArg(ins, ctx));
      return commit(`USER ${cfg.User}`);
    }
    case 'EXPOSE': {
      cfg.ExposedPorts ??= {};
      const ports = ins.args.flatMap((a) => state.vars.words(a.value)).flatMap((p) => normalizePorts(p, ins, ctx));
      for (const p of ports) cfg.ExposedPorts[p] = {};
      // Go prints a map with its keys sorted.
      return commit(`EXPOSE map[${[...new Set(ports)].sort().map((p) => `${p}:{}`).join(' ')}]`);
    }
    case 'CMD': {
      cfg.Cmd = commandOf(ins, state);
      state.cmdSet = true;
      return commit(`CMD ${goQuoteList(cfg.Cmd)}`);
    }
    case 'ENTRYPOINT': {
      cfg.Entrypoint = commandOf(ins, state);
      if (!state.cmdSet) cfg.Cmd = null;
      return commit(`ENTRYPOINT ${goQuoteList(cfg.Entrypoint)}`);
    }
    case 'STOPSIGNAL': {
      cfg.StopSignal = state.vars.word(requireArg(ins, ctx));
      return commit(`STOPSIGNAL ${cfg.StopSignal}`);
    }
    case 'VOLUME': {
      cfg.Volumes ??= {};
      const vols = ins.args.map((a) => state.vars.word(a.value));
      if (vols.some((v) => v.trim() === '')) throw ctx.fail(ins, 'VOLUME specified can not be an empty string');
      for (const v of vols) cfg.Volumes[v] = {};
      return commit(`VOLUME [${vols.join(' ')}]`);
    }
    case 'SHELL': {
      if (!ins.json) throw ctx.fail(ins, 'SHELL requires the arguments to be in JSON form');
      cfg.Shell = ins.args.map((a) => a.value);
      // BuildKit prints this one with %v, not %q.
      return commit(`SHELL [${cfg.Shell.join(' ')}]`);
    }
    case 'HEALTHCHECK': {
      cfg.Healthcheck = healthcheck(ins, ctx);
      return commit(`HEALTHCHECK ${goHealthcheck(cfg.Healthcheck)}`);
    }
    case 'ONBUILD': {
      // BuildKit records the trigger in the config only: no history entry.
      cfg.OnBuild = [...(cfg.OnBuild ?? []), ins.argsText];
      return;
    }
    default:
      throw ctx.fail(ins, `${ins.keyword} is not a metadata instruction`);
  }
}

function requireArg(ins: Instruction, ctx: StepContext): string {
  const value = ins.args[0]?.value;
  if (!value) throw ctx.fail(ins, `${ins.keyword} requires exactly one argument`);
  return value;
}

/** The exec form as written, or the shell form wrapped in the stage's SHELL. */
function commandOf(ins: Instruction, state: StageState): string[] {
  if (ins.json) return ins.args.map((a) => a.value);
  const shell = state.config.config.Shell ?? ['/bin/sh', '-c'];
  return [...shell, ins.argsText];
}

// Docker's nat.ParsePortSpecs: a range is one entry per port, the protocol defaults to tcp.
function normalizePorts(raw: string, ins: Instruction, ctx: StepContext): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(raw);
  if (!m) throw ctx.fail(ins, `invalid containerPort: ${raw}`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (to < from || to > 65535) throw ctx.fail(ins, `invalid range of ports: ${raw}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  return Array.from({ length: to - from + 1 }, (_, i) => `${from + i}/${proto}`);
}

/** Go's %q of a []string, which is how BuildKit writes CMD/ENTRYPOINT into history. */
export function goQuoteList(list: string[]): string {
  return `[${list.map(goQuote).join(' ')}]`;
}

function healthcheck(ins: Instruction, ctx: StepContext): HealthConfig {
  const type = ins.args[0]?.value.toUpperCase();
  if (type === 'NONE') {
    if (ins.flags.length > 0 || ins.args.length > 1) throw ctx.fail(ins, "HEALTHCHECK NONE takes no arguments or flags");
    return { Test: ['NONE'] };
  }
  if (type !== 'CMD') throw ctx.fail(ins, `unknown type ${ins.args[0]?.value ?? '(none)'} in HEALTHCHECK (try CMD)`);
  const cmd = ins.args.slice(1).map((a) => a.value);
  if (cmd.length === 0) throw ctx.fail(ins, 'missing command after HEALTHCHECK CMD');
  const hc: HealthConfig = { Test: ins.json ? ['CMD', ...cmd] : ['CMD-SHELL', cmd[0]] };
  const durations: [string, keyof HealthConfig][] = [
    ['interval', 'Interval'],
    ['timeout', 'Timeout'],
    ['start-period', 'StartPeriod'],
    ['start-interval', 'StartInterval'],
  ];
  for (const f of ins.flags) {
    const field = durations.find(([name]) => name === f.name)?.[1];
    if (field) (hc as Record<string, unknown>)[field] = parseGoDuration(f.value ?? '', ins, ctx);
    else if (f.name === 'retries') {
      const n = Number(f.value);
      if (!Number.isInteger(n) || n < 0) throw ctx.fail(ins, `--retries must be a non-negative integer, not ${f.value}`);
      hc.Retries = n;
    } else throw ctx.fail(ins, `unknown flag: --${f.name}`);
  }
  return hc;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds. */
export function parseGoDuration(text: string, ins: Instruction, ctx: StepContext): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += parseFloat(m[1]) * UNIT_NS[m[2]];
    consumed = re.lastIndex;
  }
  if (text === '' || consumed !== text.length) throw ctx.fail(ins, `invalid duration "${text}"`);
  return Math.round(total);
}

// BuildKit writes the history as fmt.Sprintf("HEALTHCHECK %q", config): Go's %q of the struct.
function goHealthcheck(hc: HealthConfig): string {
  const d = (ns: number | undefined) => goQuote(formatGoDuration(ns ?? 0));
  const retries = hc.Retries ?? 0;
  const rune = retries < 0x20 ? `'\\x${retries.toString(16).padStart(2, '0')}'` : `'${String.fromCodePoint(retries)}'`;
  // Older BuildKit's struct has no StartInterval; print it only when it is set.
  const startInterval = hc.StartInterval ? ` ${d(hc.StartInterval)}` : '';
  return `&{${goQuoteList(hc.Test ?? [])} ${d(hc.Interval)} ${d(hc.Timeout)} ${d(hc.StartPeriod)}${startInterval} ${rune}}`;
}

/** Go's Duration.String for whole units (what HEALTHCHECK flags produce). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e9) return ns % 1e6 === 0 ? `${ns / 1e6}ms` : ns % 1e3 === 0 ? `${ns / 1e3}µs` : `${ns}ns`;
  const h = Math.floor(ns / 3600e9);
  const m = Math.floor((ns % 3600e9) / 60e9);
  const s = (ns % 60e9) / 1e9;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
