import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { IFocusable, QbraidSidebar } from '../ui/sidebar';

const trans = nullTranslator.load('jupyterlab-qbraid-session');

function panel(): IFocusable {
  return Object.assign(new Widget(), { focusFirst: () => undefined });
}

describe('QbraidSidebar', () => {
  it('loads its panel once, however often it is asked', async () => {
    let made = 0;
    const sidebar = new QbraidSidebar(async () => {
      made++;
      return panel();
    }, trans);
    const [a, b] = await Promise.all([sidebar.load(), sidebar.load()]);
    await sidebar.load();
    expect(a).toBe(b);
    expect(made).toBe(1);
    expect(sidebar.widgets).toEqual([a]);
  });

  it('says when the panel code does not load, and loads it on the next try', async () => {
    let fail = true;
    const sidebar = new QbraidSidebar(async () => {
      if (fail) {
        throw new Error('Loading chunk 650 failed');
      }
      return panel();
    }, trans);
    await sidebar.focusFirst();
    const alert = sidebar.node.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('Loading chunk 650 failed');
    expect(alert?.textContent).toContain('Reload the page');
    fail = false;
    const loaded = await sidebar.load();
    expect(sidebar.widgets).toEqual([loaded]);
    expect(sidebar.node.querySelector('[role="alert"]')).toBeNull();
  });
});
