// A process killed without leaving its consumer groups stays a member of each until its session lapses
// (KAFKA_SESSION_TIMEOUT_MS), and no partition it held is consumed meanwhile, not even by the process
// restarted in its place. Kafka's static membership (group.instance.id) lets the restarted process take
// the place over at once; kafkajs does not offer it. So each instance records the member id it joined
// with, and its next process asks the coordinator to remove that member before joining, as the member
// itself would have on a clean stop.
import type { Admin, Cluster, Kafka } from 'kafkajs';
import type { Queryable } from '../db/database.ts';

/** The member id an instance (a pod, a host) last joined each group with. */
export interface GroupMemberships {
  previous(groupId: string): Promise<string | null>;
  joined(groupId: string, memberId: string): Promise<void>;
  /** The member left the group itself (a clean stop): the next process has nothing to remove. */
  left(groupId: string): Promise<void>;
}

/** What a consumer needs to remove the member its instance's killed process left in the group. */
export interface Predecessors {
  memberships: GroupMemberships;
  /** The service's admin client, connected: asks the group whether that member is still in it. */
  admin: Admin;
}

export function postgresGroupMemberships(db: Queryable, instanceId: string): GroupMemberships {
  return {
    async previous(groupId) {
      const { rows } = await db.query<{ memberId: string }>(
        `SELECT member_id AS "memberId" FROM consumer_group_member WHERE group_id = $1 AND instance_id = $2`,
        [groupId, instanceId],
      );
      return rows[0]?.memberId ?? null;
    },
    async joined(groupId, memberId) {
      await db.query(
        `INSERT INTO consumer_group_member (group_id, instance_id, member_id) VALUES ($1, $2, $3)
         ON CONFLICT (group_id, instance_id) DO UPDATE SET member_id = EXCLUDED.member_id, joined_at = now()`,
        [groupId, instanceId, memberId],
      );
    },
    async left(groupId) {
      await db.query(`DELETE FROM consumer_group_member WHERE group_id = $1 AND instance_id = $2`, [
        groupId,
        instanceId,
      ]);
    },
  };
}

/** kafkajs' own cluster client; its coordinator broker can send LeaveGroup for any member id. */
type ClusterFactory = (options: { metadataMaxAge: number }) => Cluster;
interface GroupCoordinator {
  leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown>;
}

function clusterFactory(kafka: Kafka): ClusterFactory | undefined {
  const key = Object.getOwnPropertySymbols(kafka).find(
    (symbol) => symbol.description === 'private:Kafka:createCluster',
  );
  const factory = key ? (kafka as unknown as Record<symbol, unknown>)[key] : undefined;
  return typeof factory === 'function' ? (factory as ClusterFactory) : undefined;
}

/**
 * Removes `memberId` from the group (LeaveGroup at its coordinator). Answers whether the coordinator
 * removed it: false when the member was already gone (its session lapsed, the broker restarted) or when
 * this kafkajs cannot send the request, and the group then goes on as Kafka would without it.
 */
export async function removeGroupMember(
  kafka: Kafka,
  admin: Admin,
  groupId: string,
  memberId: string,
): Promise<boolean> {
  const createCluster = clusterFactory(kafka);
  if (!createCluster) return false;
  // Asked first: a LeaveGroup for a member already gone is answered with an error kafkajs logs as one.
  if (!(await isGroupMember(admin, groupId, memberId))) return false;
  const cluster = createCluster({ metadataMaxAge: 300_000 });
  await cluster.connect();
  try {
    const coordinator = (await cluster.findGroupCoordinator({ groupId })) as unknown as GroupCoordinator;
    await coordinator.leaveGroup({ groupId, memberId });
    return true;
  } catch (error) {
    if ((error as { type?: unknown }).type === 'UNKNOWN_MEMBER_ID') return false;
    throw error;
  } finally {
    await cluster.disconnect();
  }
}

/** Through the service's admin client, already connected. */
async function isGroupMember(admin: Admin, groupId: string, memberId: string): Promise<boolean> {
  const { groups } = await admin.describeGroups([groupId]);
  return groups.some((group) => group.members.some((member) => member.memberId === memberId));
}
