import { DEFAULT_SERVER_SETTINGS, type BuilderSetting, type SandboxSetting, type ServerSettings } from './protocol';

const SANDBOXES: SandboxSetting[] = ['auto', 'bubblewrap', 'chroot', 'off'];
const BUILDERS: BuilderSetting[] = ['embedded', 'docker', 'buildah'];
const SEVERITIES = ['error', 'warning', 'info', 'style', 'off'];

/**
 * The server's settings from the `layerwise` configuration section as VS Code holds it
 * (`store`, `build.sandbox`, `build.builder`, `lint.*`). Values of the wrong shape fall back to the defaults,
 * so a typo in settings.json never stops linting.
 */
export function settingsFromConfiguration(section: unknown): ServerSettings {
  const s = (section ?? {}) as { store?: unknown; layerCountThreshold?: unknown; build?: { sandbox?: unknown; builder?: unknown }; lint?: { layerCountThreshold?: unknown; ignore?: unknown; severities?: unknown; shellcheckPath?: unknown } };
  const d = DEFAULT_SERVER_SETTINGS;
  // `layerCountThreshold` at the top is the form the first clients sent.
  const threshold = s.lint?.layerCountThreshold ?? s.layerCountThreshold;
  const severities: ServerSettings['ruleSeverities'] = {};
  if (s.lint?.severities && typeof s.lint.severities === 'object') {
    for (const [rule, level] of Object.entries(s.lint.severities as Record<string, unknown>)) {
      if (typeof level === 'string' && SEVERITIES.includes(level)) severities[rule] = level as ServerSettings['ruleSeverities'][string];
    }
  }
  return {
    store: typeof s.store === 'string' ? s.store : d.store,
    sandbox: SANDBOXES.includes(s.build?.sandbox as SandboxSetting) ? (s.build!.sandbox as SandboxSetting) : d.sandbox,
    builder: BUILDERS.includes(s.build?.builder as BuilderSetting) ? (s.build!.builder as BuilderSetting) : d.builder,
    layerCountThreshold: typeof threshold === 'number' && threshold >= 1 ? threshold : d.layerCountThreshold,
    ignoredRules: Array.isArray(s.lint?.ignore) ? (s.lint!.ignore as unknown[]).filter((x): x is string => typeof x === 'string') : d.ignoredRules,
    ruleSeverities: severities,
    shellcheckPath: typeof s.lint?.shellcheckPath === 'string' ? s.lint.shellcheckPath : d.shellcheckPath,
  };
}
