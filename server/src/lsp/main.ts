import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// The transport (--node-ipc from the VS Code client, --stdio from other editors and tests) is picked from argv.
startServer(createConnection(ProposedFeatures.all));
