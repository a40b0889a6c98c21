import { describe, expect, it } from '@jest/globals';
import { employeePayload, userNameOf, type CampaignRecord } from '@campaign-pipeline/shared';
import { generatePassword } from '../src/domain/passwords.ts';

const campaign = { tenantId: 'mz', hierarchyType: 'ADMIN' } as CampaignRecord;
const row = {
  phone: '7123456789',
  name: 'Ana Mucavele',
  roles: ['DISTRIBUTOR', 'REGISTRAR'],
  employmentType: 'Temporary',
  userName: null,
  boundaryCodes: ['MZ_P01_D01', 'MZ_P01_D01_A01'],
};

describe('employee payload', () => {
  it('meets DIGIT password policy and is different every time', () => {
    const passwords = Array.from({ length: 200 }, () => generatePassword());
    for (const password of passwords) {
      expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[@#$%]).{8,15}$/);
    }
    expect(new Set(passwords).size).toBe(200);
  });

  it('names a user by the sheet, or by the phone when the sheet gives no name', () => {
    expect(userNameOf({ phone: '7123456789', userName: null })).toBe('HCM7123456789');
    expect(userNameOf({ phone: '7123456789', userName: 'ana.m' })).toBe('ana.m');
  });

  it('builds the HRMS employee with roles, type and one jurisdiction per boundary', () => {
    const types = new Map([
      ['MZ_P01_D01', 'DISTRICT'],
      ['MZ_P01_D01_A01', 'ADMINISTRATIVE_POST'],
    ]);
    const payload = employeePayload(campaign, row, types, generatePassword());
    expect(payload).toMatchObject({
      tenantId: 'mz',
      code: 'HCM7123456789',
      employeeType: 'TEMPORARY',
      status: 'ACTIVE',
      user: {
        name: 'Ana Mucavele',
        mobileNumber: '7123456789',
        userName: 'HCM7123456789',
        roles: [
          { name: 'DISTRIBUTOR', code: 'DISTRIBUTOR', tenantId: 'mz' },
          { name: 'REGISTRAR', code: 'REGISTRAR', tenantId: 'mz' },
        ],
      },
      jurisdictions: [
        { boundary: 'MZ_P01_D01', boundaryType: 'DISTRICT', hierarchy: 'ADMIN', tenantId: 'mz' },
        {
          boundary: 'MZ_P01_D01_A01',
          boundaryType: 'ADMINISTRATIVE_POST',
          hierarchy: 'ADMIN',
          tenantId: 'mz',
        },
      ],
    });
    expect(payload.user.password).not.toBe(
      employeePayload(campaign, row, types, generatePassword()).user.password,
    );
  });
});
