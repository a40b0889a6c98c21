// Consumer-group coordinator following Kafka's GroupCoordinator state machine:
// Empty -> PreparingRebalance -> CompletingRebalance -> Stable, with member ids, generations, session expiry
// and committed offsets. Requests that must wait (JoinGroup, SyncGroup) return promises that the state machine
// resolves when the rebalance moves on.
import { randomUUID } from 'node:crypto';
import type {
  DescribedGroup,
  JoinGroupProtocol,
  JoinGroupRequest,
  JoinGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../codecs/groups.ts';
import type { OffsetCommitRequest, OffsetFetchRequest, OffsetFetchResponse } from '../codecs/offsets.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { TopicPartitions } from './assignment.ts';
import { decodeConsumerAssignment } from './assignment.ts';
import type { OffsetStore } from './offset-store.ts';
import type { TimerHandle, Timers } from './timers.ts';
import { realTimers } from './timers.ts';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

type Member = {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: JoinGroupProtocol[];
  assignment: Buffer;
  awaitingJoin: ((resp: JoinGroupResponse) => void) | null;
  awaitingSync: ((resp: SyncGroupResponse) => void) | null;
  lastSeen: number;
};

type Group = {
  groupId: string;
  state: GroupState;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  members: Map<string, Member>;
  /** Member ids handed out with MEMBER_ID_REQUIRED, with the time they lapse if never used. */
  pending: Map<string, number>;
  initialDelayUntil: number;
  rebalanceDeadline: number;
  timer: TimerHandle | null;
};

export type ClientInfo = { clientId: string; clientHost: string; version: number };

export type GroupSnapshot = {
  groupId: string;
  state: GroupState;
  generationId: number;
  protocolType: string;
  protocol: string;
  leader: string;
  members: {
    memberId: string;
    clientId: string;
    clientHost: string;
    assignment: TopicPartitions | null;
    /** The request the member's answer waits on, if any. */
    waiting: 'join' | 'sync' | null;
  }[];
  /** Member ids handed out (MEMBER_ID_REQUIRED) and not used yet: a rebalance waits for them. */
  pendingMembers: number;
};

export type CoordinatorOptions = {
  offsets: OffsetStore;
  initialRebalanceDelayMs?: number;
  timers?: Timers;
  /** How often session timeouts are checked. */
  sweepIntervalMs?: number;
  /** Called when a group starts rebalancing, so that parked fetches can be answered early. */
  onRebalance?: (groupId: string) => void;
  log?: (fields: Record<string, unknown>) => void;
};

const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly offsets: OffsetStore;
  private readonly timers: Timers;
  private readonly initialDelayMs: number;
  private readonly sweepIntervalMs: number;
  private readonly onRebalance: (groupId: string) => void;
  private readonly log: (fields: Record<string, unknown>) => void;
  private sweepTimer: TimerHandle | null = null;
  private closed = false;

  constructor(options: CoordinatorOptions) {
    this.offsets = options.offsets;
    this.timers = options.timers ?? realTimers;
    this.initialDelayMs = options.initialRebalanceDelayMs ?? 100;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 100;
    this.onRebalance = options.onRebalance ?? (() => undefined);
    this.log = options.log ?? (() => undefined);
    this.scheduleSweep();
  }

  close(): void {
    this.closed = true;
    this.sweepTimer?.cancel();
    for (const group of this.groups.values()) {
      group.timer?.cancel();
      for (const m of group.members.values()) {
        m.awaitingJoin?.(joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
        m.awaitingSync?.({ errorCode: ErrorCode.NOT_COORDINATOR, assignment: EMPTY });
      }
    }
    this.groups.clear();
  }

  isRebalancing(): boolean {
    for (const g of this.groups.values()) if (g.state === 'PreparingRebalance') return true;
    return false;
  }

  // ---- JoinGroup -------------------------------------------------------------------------------------------

  join(req: JoinGroupRequest, client: ClientInfo): Promise<JoinGroupResponse> {
    if (!req.groupId) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, req.memberId));
    if (req.sessionTimeoutMs <= 0)
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.memberId !== '') return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
      group = this.newGroup(req.groupId);
    }
    if (!this.supportsProtocols(group, req)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    if (req.memberId === '') {
      const memberId = `${client.clientId}-${randomUUID()}`;
      if (client.version >= 4) {
        // Kafka makes new members rejoin with their id, so a lost response cannot leave a ghost member
        group.pending.set(memberId, this.timers.now() + req.sessionTimeoutMs);
        return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
      return this.addMemberAndRebalance(group, memberId, req, client);
    }
    if (group.pending.delete(req.memberId))
      return this.addMemberAndRebalance(group, req.memberId, req, client);
    const member = group.members.get(req.memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndPark(group, member, req);
      case 'CompletingRebalance':
        if (sameProtocols(member.protocols, req.protocols)) {
          // the member missed its JoinGroup response: send it again
          return Promise.resolve(this.joinResponse(group, member));
        }
        this.prepareRebalance(group, 'member changed protocols');
        return this.updateMemberAndPark(group, member, req);
      case 'Stable':
        if (member.memberId === group.leaderId || !sameProtocols(member.protocols, req.protocols)) {
          this.prepareRebalance(group, 'leader or changed member rejoined');
          return this.updateMemberAndPark(group, member, req);
        }
        return Promise.resolve(this.joinResponse(group, member));
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  private newGroup(groupId: string): Group {
    const group: Group = {
      groupId,
      state: 'Empty',
      generationId: 0,
      protocolType: null,
      protocolName: null,
      leaderId: null,
      members: new Map(),
      pending: new Map(),
      initialDelayUntil: 0,
      rebalanceDeadline: 0,
      timer: null,
    };
    this.groups.set(groupId, group);
    return group;
  }

  private supportsProtocols(group: Group, req: JoinGroupRequest): boolean {
    if (!req.protocolType || req.protocols.length === 0) return false;
    const others = [...group.members.values()].filter((m) => m.memberId !== req.memberId);
    if (others.length === 0) return true;
    if (group.protocolType !== req.protocolType) return false;
    return req.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  private addMemberAndRebalance(
    group: Group,
    memberId: string,
    req: JoinGroupRequest,
    client: ClientInfo,
  ): Promise<JoinGroupResponse> {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: client.clientId,
      clientHost: client.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      assignment: EMPTY,
      awaitingJoin: null,
      awaitingSync: null,
      lastSeen: this.timers.now(),
    };
    group.members.set(memberId, member);
    if (group.members.size === 1) group.protocolType = req.protocolType;
    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group, `member ${memberId} joined`);
    return this.park(group, member);
  }

  private updateMemberAndPark(
    group: Group,
    member: Member,
    req: JoinGroupRequest,
  ): Promise<JoinGroupResponse> {
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    return this.park(group, member);
  }

  private park(group: Group, member: Member): Promise<JoinGroupResponse> {
    // a second JoinGroup from the same member supersedes the first
    member.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    const parked = new Promise<JoinGroupResponse>((resolve) => {
      member.awaitingJoin = resolve;
    });
    this.maybeCompleteJoin(group);
    return parked;
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        m.awaitingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
        m.awaitingSync = null;
      }
    }
    const now = this.timers.now();
    const rebalanceTimeout = Math.max(0, ...[...group.members.values()].map((m) => m.rebalanceTimeoutMs));
    group.initialDelayUntil = group.state === 'Empty' ? now + this.initialDelayMs : 0;
    group.rebalanceDeadline = now + Math.max(rebalanceTimeout, this.initialDelayMs);
    group.state = 'PreparingRebalance';
    this.log({ msg: 'preparing rebalance', group: group.groupId, generation: group.generationId, reason });
    this.armRebalanceTimer(group, now);
    this.onRebalance(group.groupId);
  }

  /**
   * `now` is the caller's reading of the clock: read again here, it may have passed the initial delay's
   * end since the caller found the delay not over, and the timer would then wait for the rebalance
   * timeout (kafkajs' 60 s) instead of the delay's last millisecond.
   */
  private armRebalanceTimer(group: Group, now: number): void {
    group.timer?.cancel();
    const at = now < group.initialDelayUntil ? group.initialDelayUntil : group.rebalanceDeadline;
    group.timer = this.timers.schedule(() => {
      group.timer = null;
      this.maybeCompleteJoin(group);
    }, at - now);
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || this.closed) return;
    const now = this.timers.now();
    if (now < group.initialDelayUntil) {
      // A timer may fire a millisecond before Date.now() reaches its due time: wait again, never give up.
      if (!group.timer) this.armRebalanceTimer(group, now);
      return;
    }
    const allJoined =
      [...group.members.values()].every((m) => m.awaitingJoin !== null) && group.pending.size === 0;
    if (allJoined || now >= group.rebalanceDeadline) this.completeJoin(group);
    else if (!group.timer) this.armRebalanceTimer(group, now);
  }

  private completeJoin(group: Group): void {
    group.timer?.cancel();
    group.timer = null;
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin === null) {
        group.members.delete(m.memberId);
        this.log({ msg: 'member removed: did not rejoin in time', group: group.groupId, member: m.memberId });
      }
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      this.log({ msg: 'group empty', group: group.groupId, generation: group.generationId });
      return;
    }
    const members = [...group.members.values()];
    if (!group.leaderId || !group.members.has(group.leaderId)) group.leaderId = members[0]!.memberId;
    const leader = group.members.get(group.leaderId)!;
    group.protocolName =
      leader.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)))?.name ??
      leader.protocols[0]!.name;
    group.state = 'CompletingRebalance';
    this.log({
      msg: 'rebalance joined',
      group: group.groupId,
      generation: group.generationId,
      leader: group.leaderId,
      members: members.length,
    });
    const now = this.timers.now();
    for (const m of members) {
      const answer = m.awaitingJoin!;
      m.awaitingJoin = null;
      m.lastSeen = now;
      answer(this.joinResponse(group, m));
    }
  }

  private joinResponse(group: Group, member: Member): JoinGroupResponse {
    const isLeader = member.memberId === group.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolName: group.protocolName ?? '',
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  // ---- SyncGroup, Heartbeat, LeaveGroup --------------------------------------------------------------------

  sync(req: SyncGroupRequest): Promise<SyncGroupResponse> {
    const fail = (errorCode: number) => Promise.resolve({ errorCode, assignment: EMPTY });
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    member.lastSeen = this.timers.now();
    switch (group.state) {
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        // a follower whose SyncGroup arrives after the leader's gets the stored assignment
        return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance': {
        member.awaitingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
        const parked = new Promise<SyncGroupResponse>((resolve) => {
          member.awaitingSync = resolve;
        });
        if (member.memberId === group.leaderId) this.completeSync(group, req.assignments);
        return parked;
      }
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private completeSync(group: Group, assignments: SyncGroupRequest['assignments']): void {
    // members the leader left out get an empty (not null) assignment
    for (const m of group.members.values()) m.assignment = EMPTY;
    for (const a of assignments) {
      const m = group.members.get(a.memberId);
      if (m) m.assignment = a.assignment;
    }
    group.state = 'Stable';
    this.log({ msg: 'group stable', group: group.groupId, generation: group.generationId });
    for (const m of group.members.values()) {
      const answer = m.awaitingSync;
      m.awaitingSync = null;
      answer?.({ errorCode: ErrorCode.NONE, assignment: m.assignment });
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'PreparingRebalance':
        member.lastSeen = this.timers.now();
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        member.lastSeen = this.timers.now();
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  /** Removes members; returns an error code per member id. */
  leave(groupId: string, memberIds: readonly string[]): number[] {
    const group = this.groups.get(groupId);
    return memberIds.map((id) => {
      if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (group.pending.delete(id)) {
        this.maybeCompleteJoin(group);
        return ErrorCode.NONE;
      }
      const member = group.members.get(id);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMember(group, member, 'left the group');
      return ErrorCode.NONE;
    });
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.awaitingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    member.awaitingJoin = null;
    member.awaitingSync = null;
    group.members.delete(member.memberId);
    this.log({ msg: 'member removed', group: group.groupId, member: member.memberId, reason });
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
      this.prepareRebalance(group, `member ${member.memberId} ${reason}`);
    }
    this.maybeCompleteJoin(group);
  }

  private scheduleSweep(): void {
    this.sweepTimer = this.timers.schedule(() => {
      this.expireSessions();
      if (!this.closed) this.scheduleSweep();
    }, this.sweepIntervalMs);
  }

  /** Removes members whose session lapsed (no heartbeat, not waiting in a join or sync). */
  expireSessions(): void {
    const now = this.timers.now();
    for (const group of this.groups.values()) {
      for (const [id, deadline] of group.pending) {
        if (now >= deadline) {
          group.pending.delete(id);
          this.maybeCompleteJoin(group);
        }
      }
      for (const m of [...group.members.values()]) {
        if (m.awaitingJoin || m.awaitingSync) continue;
        if (now - m.lastSeen > m.sessionTimeoutMs) this.removeMember(group, m, 'session timed out');
      }
    }
  }

  // ---- Offsets ---------------------------------------------------------------------------------------------

  /** Kafka's checks for an OffsetCommit; NONE when the commit may be stored. */
  checkCommit(req: OffsetCommitRequest): number {
    const group = this.groups.get(req.groupId);
    if (!group) return req.generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    if (req.generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = group.members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    member.lastSeen = this.timers.now();
    return ErrorCode.NONE;
  }

  async commit(
    req: OffsetCommitRequest,
    accepted: (topic: string, partition: number) => boolean,
  ): Promise<number> {
    const code = this.checkCommit(req);
    if (code !== ErrorCode.NONE) return code;
    const entries = req.topics.flatMap((t) =>
      t.partitions
        .filter((p) => accepted(t.name, p.partition))
        .map((p) => ({ topic: t.name, partition: p.partition, offset: p.offset, metadata: p.metadata })),
    );
    if (entries.length > 0) await this.offsets.commit(req.groupId, entries);
    return ErrorCode.NONE;
  }

  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResponse {
    const wanted =
      req.topics ??
      [...this.offsets.all(req.groupId)].map(([name, partitions]) => ({
        name,
        partitions: [...partitions.keys()],
      }));
    return {
      errorCode: ErrorCode.NONE,
      topics: wanted.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partition) => {
          const committed = this.offsets.get(req.groupId, t.name, partition);
          return {
            partition,
            offset: committed?.offset ?? -1,
            metadata: committed ? committed.metadata : '',
            errorCode: ErrorCode.NONE,
          };
        }),
      })),
    };
  }

  // ---- Inspection ------------------------------------------------------------------------------------------

  describe(groupId: string): DescribedGroup {
    const group = this.groups.get(groupId);
    if (!group) {
      const known = this.offsets.groupIds().includes(groupId);
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        state: known ? 'Empty' : 'Dead',
        protocolType: '',
        protocol: '',
        members: [],
      };
    }
    const stable = group.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: group.protocolName ?? '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  list(): { groupId: string; protocolType: string }[] {
    const ids = new Set([...this.groups.keys(), ...this.offsets.groupIds()]);
    return [...ids].sort().map((groupId) => ({
      groupId,
      protocolType: this.groups.get(groupId)?.protocolType ?? '',
    }));
  }

  snapshot(): GroupSnapshot[] {
    return this.list().map(({ groupId }) => {
      const g = this.describe(groupId);
      const group = this.groups.get(groupId);
      return {
        groupId,
        state: g.state as GroupState,
        generationId: group?.generationId ?? 0,
        protocolType: g.protocolType,
        protocol: g.protocol,
        leader: group?.leaderId ?? '',
        members: [...(group?.members.values() ?? [])].map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          assignment: group?.protocolType === 'consumer' ? decodeConsumerAssignment(m.assignment) : null,
          waiting: m.awaitingJoin ? 'join' : m.awaitingSync ? 'sync' : null,
        })),
        pendingMembers: group?.pending.size ?? 0,
      };
    });
  }
}

function joinError(errorCode: number, memberId: string): JoinGroupResponse {
  return { errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

function sameProtocols(a: readonly JoinGroupProtocol[], b: readonly JoinGroupProtocol[]): boolean {
  return (
    a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata))
  );
}
