// Files held by the filestore, by fileStoreId.

export interface StoredFile {
  id: string;
  tenantId: string;
  module: string | null;
  filename: string;
  contentType: string;
  bytes: Buffer;
  createdTime: number;
}

export class FileStore {
  readonly byId = new Map<string, StoredFile>();

  add(file: StoredFile): void {
    this.byId.set(file.id, file);
  }

  get size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.byId.clear();
  }
}
