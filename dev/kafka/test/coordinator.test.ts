import { beforeEach, describe, expect, it } from '@jest/globals';
import type { JoinGroupRequest, JoinGroupResponse, SyncGroupResponse } from '../src/codecs/groups.ts';
import { GroupCoordinator } from '../src/group/coordinator.ts';
import { OffsetStore } from '../src/group/offset-store.ts';
import { ErrorCode } from '../src/protocol/error-codes.ts';
import { ManualTimers } from './support/manual-timers.ts';

const GROUP = 'g';
const INITIAL_DELAY = 100;

function joinRequest(memberId: string, overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: GROUP,
    sessionTimeoutMs: 3000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from('meta') }],
    ...overrides,
  };
}

type Settled<T> = { value: T | undefined };

function track<T>(p: Promise<T>): Settled<T> {
  const s: Settled<T> = { value: undefined };
  void p.then((v) => (s.value = v));
  return s;
}

const flush = () => new Promise((r) => setImmediate(r));

describe('GroupCoordinator', () => {
  let timers: ManualTimers;
  let coordinator: GroupCoordinator;
  let rebalances: string[];

  beforeEach(() => {
    timers = new ManualTimers();
    rebalances = [];
    coordinator = new GroupCoordinator({
      offsets: new OffsetStore(),
      timers,
      initialRebalanceDelayMs: INITIAL_DELAY,
      onRebalance: (g) => rebalances.push(g),
    });
  });

  /** Joins a new member through MEMBER_ID_REQUIRED (JoinGroup v5); returns its pending join. */
  async function newMember(clientId: string): Promise<{ id: string; join: Settled<JoinGroupResponse> }> {
    const first = await coordinator.join(joinRequest(''), { clientId, clientHost: '/127.0.0.1', version: 5 });
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId.startsWith(`${clientId}-`)).toBe(true);
    const join = track(
      coordinator.join(joinRequest(first.memberId), { clientId, clientHost: '', version: 5 }),
    );
    return { id: first.memberId, join };
  }

  function rejoin(id: string): Settled<JoinGroupResponse> {
    return track(coordinator.join(joinRequest(id), { clientId: 'c', clientHost: '', version: 5 }));
  }

  async function stableGroupOfTwo() {
    const a = await newMember('a');
    const b = await newMember('b');
    timers.advance(INITIAL_DELAY);
    await flush();
    const leader = a.join.value!.leader;
    const assignments = [
      { memberId: a.id, assignment: Buffer.from('A') },
      { memberId: b.id, assignment: Buffer.from('B') },
    ];
    const sa = track(
      coordinator.sync({
        groupId: GROUP,
        generationId: 1,
        memberId: a.id,
        groupInstanceId: null,
        assignments: leader === a.id ? assignments : [],
      }),
    );
    const sb = track(
      coordinator.sync({
        groupId: GROUP,
        generationId: 1,
        memberId: b.id,
        groupInstanceId: null,
        assignments: leader === b.id ? assignments : [],
      }),
    );
    await flush();
    return { a, b, leader, sa, sb };
  }

  it('forms a group after the initial delay; only the leader gets the member list', async () => {
    const a = await newMember('a');
    const b = await newMember('b');
    await flush();
    expect(a.join.value).toBeUndefined();
    expect(coordinator.describe(GROUP).state).toBe('PreparingRebalance');
    timers.advance(INITIAL_DELAY);
    await flush();
    const ra = a.join.value!;
    const rb = b.join.value!;
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(ra.leader).toBe(a.id);
    expect(ra.members.map((m) => m.memberId).sort()).toEqual([a.id, b.id].sort());
    expect(rb.members).toEqual([]);
    expect(ra.protocolName).toBe('RoundRobinAssigner');
    expect(coordinator.describe(GROUP).state).toBe('CompletingRebalance');
    expect(rebalances).toEqual([GROUP]);
  });

  it('answers every member when the leader syncs; members left out get an empty assignment', async () => {
    const a = await newMember('a');
    const b = await newMember('b');
    timers.advance(INITIAL_DELAY);
    await flush();
    const follower = track(
      coordinator.sync({
        groupId: GROUP,
        generationId: 1,
        memberId: b.id,
        groupInstanceId: null,
        assignments: [],
      }),
    );
    await flush();
    expect(follower.value).toBeUndefined();
    const leader = await coordinator.sync({
      groupId: GROUP,
      generationId: 1,
      memberId: a.id,
      groupInstanceId: null,
      assignments: [{ memberId: a.id, assignment: Buffer.from('all') }],
    });
    await flush();
    expect(leader).toEqual({ errorCode: 0, assignment: Buffer.from('all') });
    expect(follower.value).toEqual({ errorCode: 0, assignment: Buffer.alloc(0) });
    expect(coordinator.describe(GROUP).state).toBe('Stable');
  });

  it('answers a SyncGroup that arrives after the group became Stable with the stored assignment', async () => {
    const a = await newMember('a');
    const b = await newMember('b');
    timers.advance(INITIAL_DELAY);
    await flush();
    await coordinator.sync({
      groupId: GROUP,
      generationId: 1,
      memberId: a.id,
      groupInstanceId: null,
      assignments: [
        { memberId: a.id, assignment: Buffer.from('A') },
        { memberId: b.id, assignment: Buffer.from('B') },
      ],
    });
    const late = await coordinator.sync({
      groupId: GROUP,
      generationId: 1,
      memberId: b.id,
      groupInstanceId: null,
      assignments: [],
    });
    expect(late).toEqual({ errorCode: 0, assignment: Buffer.from('B') });
  });

  it('rejects requests from unknown members and old generations', async () => {
    const { a } = await stableGroupOfTwo();
    expect(coordinator.heartbeat(GROUP, 1, 'nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat('other', 1, a.id)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat(GROUP, 0, a.id)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.heartbeat(GROUP, 1, a.id)).toBe(ErrorCode.NONE);
    const sync: SyncGroupResponse = await coordinator.sync({
      groupId: GROUP,
      generationId: 7,
      memberId: a.id,
      groupInstanceId: null,
      assignments: [],
    });
    expect(sync.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const join = await coordinator.join(joinRequest('ghost'), { clientId: 'x', clientHost: '', version: 5 });
    expect(join.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('rebalances when a member joins a stable group: heartbeats say REBALANCE_IN_PROGRESS, commits still count', async () => {
    const { a, b } = await stableGroupOfTwo();
    const c = await newMember('c');
    expect(coordinator.describe(GROUP).state).toBe('PreparingRebalance');
    expect(rebalances).toHaveLength(2);
    expect(coordinator.heartbeat(GROUP, 1, a.id)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // kafkajs commits with the old generation right after that heartbeat; Kafka accepts it
    const commit = await coordinator.commit(
      {
        groupId: GROUP,
        generationId: 1,
        memberId: a.id,
        topics: [{ name: 't', partitions: [{ partition: 0, offset: 42, metadata: null }] }],
      },
      () => true,
    );
    expect(commit).toBe(ErrorCode.NONE);
    const ra = rejoin(a.id);
    await flush();
    expect(ra.value).toBeUndefined();
    const rb = rejoin(b.id);
    await flush();
    // all members rejoined: the rebalance completes without waiting for the rebalance timeout
    expect(ra.value!.generationId).toBe(2);
    expect(rb.value!.generationId).toBe(2);
    expect(c.join.value!.generationId).toBe(2);
    expect(
      coordinator.fetchOffsets({ groupId: GROUP, topics: [{ name: 't', partitions: [0, 1] }] }).topics[0]!
        .partitions,
    ).toEqual([
      { partition: 0, offset: 42, metadata: null, errorCode: 0 },
      { partition: 1, offset: -1, metadata: '', errorCode: 0 },
    ]);
  });

  it('refuses commits while the group is completing a rebalance and from strangers', async () => {
    const a = await newMember('a');
    timers.advance(INITIAL_DELAY);
    await flush();
    const commit = (memberId: string, generationId: number) =>
      coordinator.commit({ groupId: GROUP, generationId, memberId, topics: [] }, () => true);
    expect(await commit(a.id, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await coordinator.sync({
      groupId: GROUP,
      generationId: 1,
      memberId: a.id,
      groupInstanceId: null,
      assignments: [],
    });
    expect(await commit(a.id, 1)).toBe(ErrorCode.NONE);
    expect(await commit('stranger', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await commit(a.id, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await commit('', -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // a group without members takes simple commits
    expect(
      await coordinator.commit({ groupId: 'simple', generationId: -1, memberId: '', topics: [] }, () => true),
    ).toBe(ErrorCode.NONE);
  });

  it('stores committed offsets verbatim, negative sentinels included', async () => {
    await coordinator.commit(
      {
        groupId: 'simple',
        generationId: -1,
        memberId: '',
        topics: [{ name: 't', partitions: [{ partition: 0, offset: -2, metadata: 'm' }] }],
      },
      () => true,
    );
    expect(coordinator.fetchOffsets({ groupId: 'simple', topics: null }).topics).toEqual([
      { name: 't', partitions: [{ partition: 0, offset: -2, metadata: 'm', errorCode: 0 }] },
    ]);
  });

  it('removes a member that stops heartbeating and rebalances the rest', async () => {
    const { a, b } = await stableGroupOfTwo();
    timers.advance(2000);
    expect(coordinator.heartbeat(GROUP, 1, a.id)).toBe(ErrorCode.NONE);
    timers.advance(1500);
    // b has been silent for 3.5 s > its 3 s session timeout
    expect(coordinator.heartbeat(GROUP, 1, b.id)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat(GROUP, 1, a.id)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const ra = rejoin(a.id);
    await flush();
    expect(ra.value).toMatchObject({ errorCode: 0, generationId: 2, leader: a.id });
    expect(ra.value!.members.map((m) => m.memberId)).toEqual([a.id]);
  });

  it('drops members that do not rejoin before the rebalance timeout', async () => {
    const { a, b } = await stableGroupOfTwo();
    await newMember('c');
    const ra = rejoin(a.id);
    // b keeps heartbeating but never rejoins
    for (let t = 0; t < 10_000; t += 1000) {
      timers.advance(1000);
      coordinator.heartbeat(GROUP, 1, b.id);
    }
    await flush();
    expect(ra.value!.generationId).toBe(2);
    expect(ra.value!.members.map((m) => m.memberId)).not.toContain(b.id);
    expect(coordinator.heartbeat(GROUP, 2, b.id)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('fails parked SyncGroups with REBALANCE_IN_PROGRESS when a member joins during CompletingRebalance', async () => {
    const a = await newMember('a');
    const b = await newMember('b');
    timers.advance(INITIAL_DELAY);
    await flush();
    const follower = a.join.value!.leader === a.id ? b : a;
    const parked = track(
      coordinator.sync({
        groupId: GROUP,
        generationId: 1,
        memberId: follower.id,
        groupInstanceId: null,
        assignments: [],
      }),
    );
    await newMember('c');
    await flush();
    expect(parked.value).toEqual({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    expect(coordinator.describe(GROUP).state).toBe('PreparingRebalance');
  });

  it('goes Empty when the last member leaves, and rebalances when one of several leaves', async () => {
    const { a, b } = await stableGroupOfTwo();
    expect(coordinator.leave(GROUP, [b.id])).toEqual([ErrorCode.NONE]);
    expect(coordinator.describe(GROUP).state).toBe('PreparingRebalance');
    const ra = rejoin(a.id);
    await flush();
    expect(ra.value!.generationId).toBe(2);
    expect(coordinator.leave(GROUP, [a.id, 'nobody'])).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(coordinator.describe(GROUP).state).toBe('Empty');
    expect(coordinator.list()).toEqual([{ groupId: GROUP, protocolType: 'consumer' }]);
  });

  it('refuses a member whose protocols have nothing in common with the group', async () => {
    await stableGroupOfTwo();
    const other = await coordinator.join(
      joinRequest('', { protocols: [{ name: 'Sticky', metadata: Buffer.alloc(0) }] }),
      { clientId: 'z', clientHost: '', version: 5 },
    );
    expect(other.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('hands out member ids directly to JoinGroup versions below 4', async () => {
    const join = track(coordinator.join(joinRequest(''), { clientId: 'old', clientHost: '', version: 1 }));
    timers.advance(INITIAL_DELAY);
    await flush();
    expect(join.value).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(join.value!.memberId.startsWith('old-')).toBe(true);
  });

  it('describes an unknown group as Dead', () => {
    expect(coordinator.describe('nope')).toMatchObject({ errorCode: 0, state: 'Dead', members: [] });
  });

  /** The answer to a new group's first join, 10 ms after its initial delay, on a clock of `timers`. */
  async function firstJoinOn(timers: ManualTimers): Promise<JoinGroupResponse | undefined> {
    coordinator = new GroupCoordinator({
      offsets: new OffsetStore(),
      timers,
      initialRebalanceDelayMs: INITIAL_DELAY,
      onRebalance: (g) => rebalances.push(g),
    });
    const first = await coordinator.join(joinRequest(''), { clientId: 'c', clientHost: '', version: 5 });
    const join = track(
      coordinator.join(joinRequest(first.memberId), { clientId: 'c', clientHost: '', version: 5 }),
    );
    timers.advance(INITIAL_DELAY + 10);
    await flush();
    return join.value;
  }

  it('completes the first join even when the initial-delay timer fires a little early', async () => {
    const answer = await firstJoinOn(new ManualTimers({ earlyMs: 1 }));
    expect(answer?.errorCode).toBe(ErrorCode.NONE);
    expect(answer?.generationId).toBe(1);
  });

  it('completes the first join after the initial delay even when the clock passes its due time while the early timer runs', async () => {
    // Each read of the clock moves it a millisecond on, so the timer (2 ms early against the clock when
    // it was set, 1 ms against the coordinator's read) fires a millisecond before the initial delay ends
    // and the clock reaches that time during its callback: the join must not then wait for the rebalance
    // timeout (10 s here, kafkajs' 60 s by default).
    const answer = await firstJoinOn(new ManualTimers({ earlyMs: 2, msPerRead: 1 }));
    expect(answer?.errorCode).toBe(ErrorCode.NONE);
    expect(answer?.generationId).toBe(1);
  });
});
