import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  decodeJsonPatch,
  JsonPatchApplyError,
  JsonPatchDecodeError,
} from './patch';

describe('merge patch (RFC 7386)', () => {
  it('merges objects, deletes with null and replaces arrays', () => {
    const target = { a: 1, b: { c: 2, d: 3 }, list: [1, 2] };
    expect(
      applyMergePatch(target, { b: { c: null, e: 4 }, list: [3] }),
    ).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      list: [3],
    });
    expect(target.b.c).toBe(2);
  });
});

describe('strategic merge patch', () => {
  const pod = {
    metadata: {
      finalizers: ['a'],
      ownerReferences: [{ uid: '1', name: 'x' }],
    },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'v1',
          env: [{ name: 'A', value: '1' }],
          command: ['x', 'y'],
        },
        { name: 'side', image: 's1' },
      ],
      tolerations: [{ key: 't1' }],
    },
    status: { conditions: [{ type: 'Ready', status: 'False' }] },
  };

  it('merges containers, env and conditions by their patch-merge keys', () => {
    const patched: any = applyStrategicMergePatch(pod, {
      spec: {
        containers: [
          { name: 'main', image: 'v2', env: [{ name: 'B', value: '2' }] },
        ],
      },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(patched.spec.containers).toEqual([
      {
        name: 'main',
        image: 'v2',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        command: ['x', 'y'],
      },
      { name: 'side', image: 's1' },
    ]);
    expect(patched.status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
    ]);
  });

  it('replaces atomic lists and merges finalizers as a set', () => {
    const patched: any = applyStrategicMergePatch(pod, {
      metadata: {
        finalizers: ['b', 'a'],
        ownerReferences: [{ uid: '2', name: 'y' }],
      },
      spec: {
        tolerations: [{ key: 't2' }],
        containers: [{ name: 'main', command: ['z'] }],
      },
    });
    expect(patched.metadata.finalizers).toEqual(['a', 'b']);
    expect(patched.metadata.ownerReferences.map((o: any) => o.uid)).toEqual([
      '1',
      '2',
    ]);
    expect(patched.spec.tolerations).toEqual([{ key: 't2' }]);
    expect(patched.spec.containers[0].command).toEqual(['z']);
  });

  it('understands $patch delete/replace and $deleteFromPrimitiveList', () => {
    const patched: any = applyStrategicMergePatch(pod, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: { containers: [{ name: 'side', $patch: 'delete' }] },
      status: { $patch: 'replace', phase: 'Running' },
    });
    expect(patched.metadata.finalizers).toEqual([]);
    expect(patched.spec.containers.map((c: any) => c.name)).toEqual(['main']);
    expect(patched.status).toEqual({ phase: 'Running' });
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { metadata: { name: 'x', labels: { a: '1' } }, list: [1, 2] };

  it('applies add/remove/replace/move/copy/test with ~0 and ~1 escapes', () => {
    const patched = applyJsonPatch(
      doc,
      decodeJsonPatch([
        {
          op: 'add',
          path: '/metadata/labels/job-assistant~1run',
          value: 'yes',
        },
        { op: 'add', path: '/metadata/labels/tilde~0key', value: 't' },
        { op: 'add', path: '/list/-', value: 3 },
        { op: 'remove', path: '/list/0' },
        { op: 'replace', path: '/metadata/name', value: 'y' },
        { op: 'copy', from: '/metadata/name', path: '/metadata/copied' },
        { op: 'move', from: '/metadata/copied', path: '/metadata/moved' },
        { op: 'test', path: '/list', value: [2, 3] },
      ]),
    );
    expect(patched).toEqual({
      metadata: {
        name: 'y',
        moved: 'y',
        labels: { a: '1', 'job-assistant/run': 'yes', 'tilde~key': 't' },
      },
      list: [2, 3],
    });
  });

  it('fails on a missing parent, a missing key to remove and a failed test', () => {
    expect(() =>
      applyJsonPatch(doc, [
        { op: 'add', path: '/metadata/annotations/x', value: '1' },
      ]),
    ).toThrow(JsonPatchApplyError);
    expect(() =>
      applyJsonPatch(doc, [{ op: 'remove', path: '/metadata/nope' }]),
    ).toThrow(JsonPatchApplyError);
    expect(() =>
      applyJsonPatch(doc, [{ op: 'test', path: '/metadata/name', value: 'z' }]),
    ).toThrow(JsonPatchApplyError);
  });

  it('rejects a document that is not a list of operations', () => {
    expect(() => decodeJsonPatch({ op: 'add' })).toThrow(JsonPatchDecodeError);
  });
});
