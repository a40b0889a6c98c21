import { describe, expect, it } from '@jest/globals';
import {
  SIZING_PASSWORD,
  employeePayload,
  facilityPayload,
  itemBytes,
  savedEmployee,
  savedFacility,
  type CampaignRecord,
  type FacilityEntity,
  type UserEntity,
} from '@campaign-pipeline/shared';
import { facilityBytesOf, userBytesOf } from '../src/domain/saved-bytes.ts';

const campaign = {
  id: '2f0c7a52-9d1b-4e3a-8c55-6b7e1d9a0f42',
  tenantId: 'mz.district',
  hierarchyType: 'ADMIN',
} as CampaignRecord;

/** Texts as sheets hold them: plain, accented, non-Latin, emoji, quotes, backslashes and control characters. */
const TEXTS = ['', 'Ana', 'Zoë Müller', 'Бийсеитов', 'Rāmā 🙂', 'O"Neil\\Ward', 'tab\there\nnewline\u0001'];

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length] as T;

describe("the bytes a row takes of a request, as the workers' saved forms measure them", () => {
  it('are those of the facility as the facility service saves it', () => {
    const measure = facilityBytesOf(campaign);
    for (let index = 0; index < 60; index++) {
      const row: FacilityEntity = {
        nameKey: pick(TEXTS, index + 1).toLowerCase(),
        name: pick(TEXTS, index),
        facilityType: pick(['Warehouse', 'Health Facility', '', 'Dépôt "central"'], index),
        facilityStatus: pick(['Permanent', 'Temporary'], index),
        capacity: pick([0, 7, 1500, 2_147_483_647, 9_007_199_254_740_991], index),
        boundaryCodes: pick([[], ['MZ_P01'], ['MZ_P01_D03_A02_L0017', 'MZ_P02']], index),
      };
      expect(measure(row)).toBe(itemBytes(savedFacility(facilityPayload(campaign, row))));
    }
  });

  it('are those of the employee as HRMS saves it, however many roles and localities it has', () => {
    const boundaryTypes = new Map([
      ['MZ_P01', 'PROVINCE'],
      ['MZ_P01_D03', 'DISTRICT'],
      ['MZ_P01_D03_A02_L0017', 'LOCALITY'],
      ['MZ_Ñandú', 'Localité "spéciale"'],
    ]);
    const codes = [...boundaryTypes.keys(), 'UNKNOWN_TO_THE_CAMPAIGN'];
    const measure = userBytesOf(campaign, boundaryTypes);
    for (let index = 0; index < 80; index++) {
      const row: UserEntity = {
        phone: pick(['', '7400000201', '+258 84 123 4567'], index),
        name: pick(TEXTS, index),
        roles: Array.from({ length: index % 4 }, (_, role) =>
          pick(['DISTRIBUTOR', 'DISTRICT_SUPERVISOR', 'Rôle "spécial"', ''], index + role),
        ),
        employmentType: pick(['Permanent', 'Temporary', 'Contract'], index),
        userName: pick([null, '', 'ana.m', 'Ünïcode_user'], index),
        boundaryCodes: Array.from({ length: index % 5 }, (_, code) => pick(codes, index + code)),
      };
      expect(measure(row)).toBe(
        itemBytes(savedEmployee(employeePayload(campaign, row, boundaryTypes, SIZING_PASSWORD))),
      );
    }
  });
});
