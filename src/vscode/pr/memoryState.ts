/**
 * In-memory Memento and SecretStorage for hosts that give no ExtensionContext (the activation bench):
 * the pull-request commands still work for the session, nothing is persisted.
 */
import * as vscode from 'vscode';

export function memoryMemento(): vscode.Memento {
  const m = new Map<string, unknown>();
  return {
    keys: () => [...m.keys()],
    get: <T>(key: string, dflt?: T) => (m.has(key) ? (m.get(key) as T) : dflt) as T,
    update: (key: string, value: unknown) => {
      if (value === undefined) m.delete(key);
      else m.set(key, value);
      return Promise.resolve();
    },
  };
}

export function memorySecrets(): vscode.SecretStorage {
  const m = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  return {
    get: (key) => Promise.resolve(m.get(key)),
    store: (key, value) => {
      m.set(key, value);
      changed.fire({ key });
      return Promise.resolve();
    },
    delete: (key) => {
      m.delete(key);
      changed.fire({ key });
      return Promise.resolve();
    },
    onDidChange: changed.event,
  };
}
