// The phone's database (IndexedDB through `idb`). Schema changes are numbered migrations that keep every record:
// add a step below `if (old < N)`, never drop a store that holds people's work (outbox, drafts, receipts).
import { openDB, deleteDB } from 'idb';

export const DB_NAME = 'vigia';
export const DB_VERSION = 1;

export function openStore(name = DB_NAME) {
  return openDB(name, DB_VERSION, {
    upgrade(db, old) {
      if (old < 1) {
        db.createObjectStore('meta'); // device ids, sessions, language, chosen place, sync cursors
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' }); // one record per mutation
        outbox.createIndex('owner', 'owner');
        db.createObjectStore('receipts', { keyPath: 'complaint_id' }); // folio + follow-up code of anonymous filings
        const records = db.createObjectStore('records', { keyPath: 'key' }); // pulled records, by owner and scope
        records.createIndex('owner', 'owner');
        records.createIndex('owner_scope', ['owner', 'scope']);
        db.createObjectStore('cache'); // public answers kept for offline: works near, categories, municipalities
        db.createObjectStore('drafts'); // forms being filled, kept across closing the app and app updates
      }
    },
  });
}

export { deleteDB };
