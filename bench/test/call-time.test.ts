import { describe, expect, it } from '@jest/globals';
import { callMsByDigitService, shareOnTheWay, slotTimeBeyondWork, summedCallMs } from '../src/call-time.ts';

const exposition = (
  service: string,
  projectSeconds: number,
  hrmsSeconds: number,
) => `# HELP digit_request_duration_seconds Duration of calls to DIGIT services by service, endpoint and HTTP status.
# TYPE digit_request_duration_seconds histogram
digit_request_duration_seconds_bucket{le="0.005",service="${service}",digit_service="project",endpoint="/health-project/v1/_create",status="200"} 0
digit_request_duration_seconds_sum{service="${service}",digit_service="project",endpoint="/health-project/v1/_create",status="200"} ${projectSeconds}
digit_request_duration_seconds_count{service="${service}",digit_service="project",endpoint="/health-project/v1/_create",status="200"} 3
digit_request_duration_seconds_sum{service="${service}",digit_service="project",endpoint="/health-project/v1/_search",status="network"} 0.5
digit_request_duration_seconds_sum{service="${service}",digit_service="hrms",endpoint="/health-hrms/employees/_create",status="200"} ${hrmsSeconds}
campaign_step_chunk_duration_seconds_sum{service="${service}",step="project-creation",outcome="completed"} 99
`;

describe("the services' own timing of their DIGIT calls", () => {
  it('sums the call seconds of every endpoint and status by DIGIT service, in ms', () => {
    expect(callMsByDigitService(exposition('project-sync', 2, 0.25))).toEqual(
      new Map([
        ['project', 2500],
        ['hrms', 250],
      ]),
    );
  });

  it('adds up the services', () => {
    const total = summedCallMs([exposition('project-sync', 2, 0), exposition('mapping-sync', 1.5, 1)]);
    expect(total.get('project')).toBe(4500);
    expect(total.get('hrms')).toBe(1000);
  });

  it('tells the share of the call time the simulator did not see', () => {
    expect(shareOnTheWay(1000, 900)).toBeCloseTo(0.1);
    expect(shareOnTheWay(1000, 1100)).toBe(0);
    expect(shareOnTheWay(0, 0)).toBe(0);
  });
});

describe("a DIGIT service's slot time beyond its work", () => {
  it('splits into no call in flight, time in DIGIT beyond the model, and time on the way', () => {
    // 8 slots for 10 s: 80,000 slot-ms, of which the model's work 70,000; the simulator counted 72,000 ms
    // of calls, the services 75,000.
    expect(slotTimeBeyondWork(10_000, 8, { latencyMs: 70_000, busyMs: 72_000 }, 75_000)).toEqual({
      workMs: 70_000,
      noCall: 5_000,
      inDigit: 2_000,
      onTheWay: 3_000,
    });
  });
});
