import { jestConfig } from '../../jest.preset.js';

// Longer than the client's default wait for a campaign (120 s): a campaign that never ends fails the test
// through that wait, whose failure says where the campaign stands, not through jest's bare timeout.
export default { ...jestConfig(import.meta.dirname), testTimeout: 150_000 };
