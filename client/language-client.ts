import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import type { ServerSettings } from '../server/protocol';

/**
 * The settings the server needs, read from the `layerwise` configuration section (the server
 * validates them again: server/settings.ts).
 */
export function serverSettings(): ServerSettings {
  const cfg = vscode.workspace.getConfiguration('layerwise');
  return {
    store: cfg.get<string>('store', ''),
    layerCountThreshold: cfg.get<number>('lint.layerCountThreshold', 20),
    builder: cfg.get<ServerSettings['builder']>('builder', 'auto'),
    sandbox: cfg.get<ServerSettings['sandbox']>('build.sandbox', 'auto'),
    severities: cfg.get<ServerSettings['severities']>('lint.severities', {}),
    ignored: cfg.get<string[]>('lint.ignored', []),
    shellcheckPath: cfg.get<string>('lint.shellcheckPath', ''),
    baseImages: cfg.get<ServerSettings['baseImages']>('lint.baseImages', {}),
  };
}

/**
 * Starts the language server (dist/server.js) over IPC and returns the running client. The
 * client library (most of the bundle) is loaded here, after activation, not when the extension loads.
 */
export async function startLanguageClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): Promise<LanguageClient> {
  const { LanguageClient, TransportKind } = await import('vscode-languageclient/node.js');
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'dockerfile' }],
    outputChannel: output,
    initializationOptions: { settings: serverSettings() },
    synchronize: {
      configurationSection: 'layerwise',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*'),
    },
  };
  const client = new LanguageClient('layerwise', 'Layerwise', serverOptions, clientOptions);
  await client.start();
  return client;
}
