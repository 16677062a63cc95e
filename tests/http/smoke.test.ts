import { api } from '../helpers/api';
import { roleToken } from '../helpers/tokens';

describe('the running stack', () => {
  it('answers health without a token', async () => {
    const response = await api('/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true, status: 'ok' });
  });

  it('lists actors for a casting assistant', async () => {
    const response = await api('/api/v1/actors', { token: await roleToken('casting-assistant') });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, actors: expect.any(Array) });
  });
});
