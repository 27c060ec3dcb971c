import type { Stage } from '../../../dockerfile/types';
import type { Rule } from '../../types';
import { dlRule, dropQuotes, instructionRule, optInRule, type Hit } from './define';

const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);

export const DL3000: Rule = instructionRule(
  { id: 'DL3000', name: 'absolute-workdir', severity: 'error', message: 'Use absolute WORKDIR' },
  ['WORKDIR'],
  (ins) => {
    const dir = dropQuotes(ins.args[0]?.value ?? '');
    return dir !== '' && !dir.startsWith('$') && !isAbsolute(dir) && (ins.args[0]?.range ?? true);
  },
);

const isRoot = (user: string) => user === 'root' || user === '0' || user.startsWith('root:') || user.startsWith('0:');

export const DL3002: Rule = dlRule(
  { id: 'DL3002', name: 'last-user-not-root', severity: 'warning', message: 'Last USER should not be root' },
  ({ dockerfile: { stages } }) =>
    stages.flatMap((s) => {
      const last = [...s.instructions].reverse().find((i) => i.keyword === 'USER');
      return last && isRoot(last.args[0]?.value ?? '') ? [last.range] : [];
    }),
);

export const DL3011: Rule = instructionRule(
  { id: 'DL3011', name: 'valid-port-range', severity: 'error', message: 'Valid UNIX ports range from 0 to 65535' },
  ['EXPOSE'],
  (ins) =>
    ins.args.find((a) => {
      const ports = a.value.split('/')[0].split('-');
      return ports.some((p) => /^\d+$/.test(p) && Number(p) > 65535);
    })?.range,
);

/** hadolint counts these per stage: a later one replaces the earlier, which is surely a mistake. */
function repeated(keyword: string): (input: { dockerfile: { stages: Stage[] } }) => Hit[] {
  return ({ dockerfile: { stages } }) => stages.flatMap((s) => s.instructions.filter((i) => i.keyword === keyword).slice(1).map((i) => i.range));
}

export const DL3012: Rule = dlRule({ id: 'DL3012', name: 'single-healthcheck', severity: 'error', message: 'Multiple `HEALTHCHECK` instructions' }, repeated('HEALTHCHECK'));
export const DL4003: Rule = dlRule({ id: 'DL4003', name: 'single-cmd', severity: 'warning', message: 'Multiple `CMD` instructions found. If you list more than one `CMD` then only the last `CMD` will take effect' }, repeated('CMD'));
export const DL4004: Rule = dlRule({ id: 'DL4004', name: 'single-entrypoint', severity: 'error', message: 'Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then only the last `ENTRYPOINT` will take effect' }, repeated('ENTRYPOINT'));

export const DL3025: Rule = instructionRule(
  { id: 'DL3025', name: 'json-cmd-entrypoint', severity: 'warning', message: 'Use arguments JSON notation for CMD and ENTRYPOINT arguments' },
  ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'],
  (ins) => {
    const command = ins.keyword === 'HEALTHCHECK' ? ins.args.slice(1) : ins.args;
    if (ins.keyword === 'HEALTHCHECK' && ins.args[0]?.value.toUpperCase() !== 'CMD') return false;
    return command.length > 0 && !ins.json;
  },
);

export const DL3043: Rule = instructionRule(
  { id: 'DL3043', name: 'onbuild-nesting', severity: 'error', message: '`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.' },
  ['ONBUILD'],
  (ins) => ['ONBUILD', 'FROM', 'MAINTAINER'].includes(ins.subInstruction?.keyword ?? ''),
);

// $NAME or ${NAME...}, NAME not followed by another name character.
const reference = (name: string) => {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\$(?:\\{${n}(?=[}:])|${n}(?![A-Za-z0-9_]))`);
};

export const DL3044: Rule = dlRule(
  { id: 'DL3044', name: 'env-self-reference', severity: 'error', message: 'Do not refer to an environment variable within the same `ENV` statement where it is defined.' },
  ({ dockerfile }) => {
    const hits: Hit[] = [];
    const known = new Set<string>();
    for (const ins of dockerfile.instructions) {
      if (ins.keyword === 'ARG') ins.keyValues.forEach((kv) => known.add(kv.key.value));
      if (ins.keyword !== 'ENV') continue;
      const pairs = ins.keyValues;
      const bad = pairs.find((p, i) => {
        if (known.has(p.key.value) || !pairs.some((q) => q.value?.value.includes('$'))) return false;
        const ref = reference(p.key.value);
        return pairs.some((q, j) => j !== i && q.value && ref.test(q.value.value));
      });
      pairs.forEach((p) => known.add(p.key.value));
      if (bad) hits.push(ins.range);
    }
    return hits;
  },
);

export const DL3057: Rule = optInRule(
  { id: 'DL3057', name: 'healthcheck-missing', severity: 'info', message: '`HEALTHCHECK` instruction missing.' },
  ({ dockerfile }) => {
    const last = dockerfile.stages[dockerfile.stages.length - 1];
    const any = dockerfile.instructions.some((i) => i.keyword === 'HEALTHCHECK');
    return last && !any ? [last.from.range] : [];
  },
);

const SENSITIVE_NAMES = new Set(
  'ACCESS_TOKEN APPLICATION_KEY APP_SECRET AUTH_TOKEN AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY BITTREX_API_KEY BITTREX_API_SECRET CF_PASSWORD CF_USERNAME CIRCLE_TOKEN CI_DEPLOY_PASSWORD CI_DEPLOY_USER DOCKERHUB_PASSWORD DOCKER_EMAIL DOCKER_PASSWORD DOCKER_USERNAME FACEBOOK_ACCESS_TOKEN FACEBOOK_APP_ID FACEBOOK_APP_SECRET FIREBASE_API_TOKEN FIREBASE_TOKEN FOSSA_API_KEY GH_ENTERPRISE_TOKEN GH_TOKEN GITHUB_ENTERPRISE_TOKEN GITHUB_TOKEN HEROKU_API_KEY HEROKU_API_USER NPM_AUTH_TOKEN NPM_TOKEN OKTA_AUTHN_GROUPID OKTA_CLIENT_ORGURL OKTA_CLIENT_TOKEN OKTA_OAUTH2_CLIENTID OKTA_OAUTH2_CLIENTSECRET OPENAI_API_KEY OS_PASSWORD OS_USERNAME POSTGRES_PASSWORD SLACK_TOKEN STRIPE_API_KEY STRIPE_DEVICE_NAME TRAVIS_OS_NAME TRAVIS_SECURE_ENV_VARS TRAVIS_SUDO VAULT_CLIENT_KEY VAULT_TOKEN'.split(' '),
);
const SUSPICIOUS = ['api_key', 'client_key', 'password', 'private', 'secret', 'token', 'username'];

export const DL3064: Rule = instructionRule(
  { id: 'DL3064', name: 'sensitive-arg-env', severity: 'warning', message: 'Potentially sensitive data should not be used in the `ARG` or `ENV` commands' },
  ['ARG', 'ENV'],
  (ins) => ins.keyValues.find((kv) => SENSITIVE_NAMES.has(kv.key.value.toUpperCase()) || SUSPICIOUS.some((s) => kv.key.value.toLowerCase().includes(s)))?.key.range,
);

export const DL3066: Rule = instructionRule(
  { id: 'DL3066', name: 'numeric-user', severity: 'info', message: 'Non-numeric user-id may not be resolvable by host system' },
  ['USER'],
  (ins) => {
    const user = (ins.args[0]?.value ?? '').split(':')[0];
    return user !== '' && !/^\d+$/.test(user) && !user.includes('$') && (ins.args[0]?.range ?? true);
  },
);

export const DL4000: Rule = dlRule({ id: 'DL4000', name: 'maintainer-deprecated', severity: 'error', message: 'MAINTAINER is deprecated' }, ({ dockerfile }) =>
  dockerfile.instructions
    .filter((i) => i.keyword === 'MAINTAINER')
    .map((i) => ({
      range: i.range,
      fixes: [{ title: 'Use LABEL maintainer', edits: [{ range: i.range, newText: `LABEL maintainer=${JSON.stringify(i.args[0]?.value ?? '')}` }], preferred: true }],
    })),
);

/** hadolint's rules about single instructions and their repetition. */
export const INSTRUCTION_RULES: readonly Rule[] = [DL3000, DL3002, DL3011, DL3012, DL3025, DL3043, DL3044, DL3057, DL3064, DL3066, DL4000, DL4003, DL4004];
