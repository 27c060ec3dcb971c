import { hostPlatform } from './registry/platform';

/** Docker's name for this machine's architecture (amd64, arm64, ...). */
export function hostArchitecture(): string {
  return hostPlatform().architecture;
}
