import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Principal, principalOfKey, Scope } from '@newsledger/auth';
import { SubjectKind } from '@newsledger/domain';
import { DataSource } from 'typeorm';

/** The keys that publish on Kafka, as the admission reads them: afresh for every batch, so a revocation holds at once. */
@Injectable()
export class KafkaDesksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The names of the active keys on Kafka: their inbound topics are the ones to read. */
  async activeNames(): Promise<string[]> {
    const rows: { name: string }[] = await this.db.query(
      `SELECT name FROM api_keys WHERE kafka_user IS NOT NULL AND revoked_at IS NULL AND 'ingest' = ANY(scopes) ORDER BY name`);
    return rows.map((r) => r.name);
  }

  /** The principal of the active key on Kafka named `name`: undefined once it is revoked. */
  async principalOf(name: string): Promise<Principal | undefined> {
    const rows: { id: string; name: string; scopes: Scope[]; subject_kinds: SubjectKind[] | null }[] = await this.db.query(
      `SELECT id, name, scopes, subject_kinds FROM api_keys WHERE name = $1 AND kafka_user IS NOT NULL AND revoked_at IS NULL AND 'ingest' = ANY(scopes)`, [name]);
    return rows[0] && principalOfKey(rows[0]);
  }
}
