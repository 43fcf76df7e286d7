import { deskGrants } from './desk-access';
import { deskNameRefusal, deskTopics, deskUser } from './desk-topics';

describe("a desk's place on Kafka", () => {
  const prefix = 'newsledger.inbound.';

  it('publishes to its own topic and reads its own rejections, under the inbound prefix', () => {
    expect(deskTopics(prefix, 'kyiv-desk')).toEqual({ inbound: 'newsledger.inbound.kyiv-desk', rejections: 'newsledger.inbound.rejections.kyiv-desk' });
    expect(deskUser('kyiv-desk')).toBe('desk.kyiv-desk');
  });

  it('may write its inbound topic and read its rejections, and nothing else', () => {
    expect(deskGrants(prefix, 'kyiv-desk')).toEqual([
      { user: 'desk.kyiv-desk', resource: 'topic', name: 'newsledger.inbound.kyiv-desk', prefixed: false, operations: ['Write', 'Describe'] },
      { user: 'desk.kyiv-desk', resource: 'topic', name: 'newsledger.inbound.rejections.kyiv-desk', prefixed: false, operations: ['Read', 'Describe'] },
      { user: 'desk.kyiv-desk', resource: 'group', name: 'desk.kyiv-desk.', prefixed: true, operations: ['Read'] },
    ]);
  });

  it("refuses a name whose inbound topic would be another desk's rejections", () => {
    expect(deskNameRefusal('rejections')).toMatch(/may not be named/);
    expect(deskNameRefusal('rejections.kyiv-desk')).toMatch(/may not be named/);
    expect(deskNameRefusal('rejections-desk')).toBeUndefined();
    expect(deskNameRefusal('kyiv-desk')).toBeUndefined();
  });
});
