import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

/**
 * The `layerwise` configuration section as plain data, the shape the server also receives on
 * every change (it validates and applies defaults: server/settings.ts).
 */
export function serverSettings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('layerwise');
  return { store: cfg.get('store'), build: cfg.get('build'), lint: cfg.get('lint') };
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
