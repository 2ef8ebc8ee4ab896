// The Mesh tab: point clouds and triangle meshes with vertex colours, as TensorFlow's mesh plugin
// and torch's add_mesh write them (one tag per part, grouped by the server into meshes:
// /api/meshes, /api/mesh). One card per (run, mesh) with a three.js view that rotates (drag),
// zooms (wheel) and pans (right drag), a step slider and, for a batch, the element shown. The
// json_config logged with the mesh is honoured where it is simple: the camera's fov, near and far;
// the material's class (MeshStandardMaterial, MeshPhongMaterial, MeshLambertMaterial,
// MeshBasicMaterial) with its colour, roughness, metalness, opacity, wireframe and a point size;
// AmbientLight, DirectionalLight and PointLight with colour, intensity and position. The view is
// drawn when something changes, not in a loop.
//
// For tests: each card is div.card[data-tab=mesh][data-run][data-mesh][data-state=ready] with its
// canvas in div.mesh-view; card.__mesh (on a test's page) = {step, sample, vertexCount, positions,
// index, colors, camera: [x, y, z], kind: 'mesh'|'points'}, read from the three.js scene itself.

import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { el, clear, fmt } from '../util.js';
import { StepSlider } from '../views/step-slider.js';
import { testHook } from '../testhooks.js';
import { onThemeChange } from '../theme.js';
import { runLabel } from '../colors.js';

const EMPTY = 'No meshes in the selected runs: log them with add_mesh, TensorFlow\'s mesh summary or writer.mesh()';

/** WebGL contexts are few (browsers keep about 16): at most this many views at once. */
const MAX_VIEWS = 12;

const MATERIALS = {
  MeshStandardMaterial: THREE.MeshStandardMaterial,
  MeshPhongMaterial: THREE.MeshPhongMaterial,
  MeshLambertMaterial: THREE.MeshLambertMaterial,
  MeshBasicMaterial: THREE.MeshBasicMaterial,
};
const LIGHTS = { AmbientLight: THREE.AmbientLight, DirectionalLight: THREE.DirectionalLight, PointLight: THREE.PointLight };

/** The json_config as an object ({} when absent, "null" or not JSON). */
export function parseConfig(text) {
  try {
    const c = JSON.parse(text || '{}');
    return c && typeof c === 'object' && !Array.isArray(c) ? c : {};
  } catch {
    return {};
  }
}

const num = (v, d) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

function colorOf(v, d) {
  if (typeof v === 'string' || typeof v === 'number') {
    try {
      return new THREE.Color(v);
    } catch {
      return new THREE.Color(d);
    }
  }
  return new THREE.Color(d);
}

/** One mesh's view: a renderer, a scene, a camera and its orbit controls. */
class MeshView {
  constructor(parent) {
    this.host = el('div', { class: 'mesh-view' });
    parent.append(this.host);
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(window.devicePixelRatio || 1);
    this.host.append(this.renderer.domElement);
    this.scene = new THREE.Scene();
    this.camera = new THREE.PerspectiveCamera(75, 1, 0.01, 1000);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.addEventListener('change', () => this.render());
    this.object = null;
    this.lights = [];
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(this.host);
    this.offTheme = onThemeChange(() => this.render());
  }

  resize() {
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  render() {
    this.scene.background = new THREE.Color(getComputedStyle(document.documentElement).getPropertyValue('--card').trim() || '#ffffff');
    this.renderer.render(this.scene, this.camera);
  }

  /** Shows a mesh answer (/api/mesh); the camera is placed anew only for the first one. */
  show(data) {
    const config = parseConfig(data.config);
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.Float32BufferAttribute(data.vertices, 3));
    const hasColors = data.colors.length === data.vertices.length && data.colors.length > 0;
    if (hasColors) {
      const c = new THREE.Color();
      const rgb = new Float32Array(data.colors.length);
      for (let i = 0; i < rgb.length; i += 3) {
        c.setRGB(data.colors[i] / 255, data.colors[i + 1] / 255, data.colors[i + 2] / 255, THREE.SRGBColorSpace);
        rgb[i] = c.r;
        rgb[i + 1] = c.g;
        rgb[i + 2] = c.b;
      }
      geometry.setAttribute('color', new THREE.BufferAttribute(rgb, 3));
    }
    geometry.computeBoundingSphere();
    const sphere = geometry.boundingSphere;
    const radius = sphere && sphere.radius > 0 ? sphere.radius : 1;
    const m = config.material && typeof config.material === 'object' ? config.material : {};
    let object;
    if (data.faces.length > 0) {
      geometry.setIndex(data.faces);
      geometry.computeVertexNormals();
      const Material = MATERIALS[m.cls] || THREE.MeshStandardMaterial;
      const material = new Material({ side: THREE.DoubleSide, vertexColors: hasColors,
        color: hasColors ? 0xffffff : colorOf(m.color, '#9aa8b8') });
      if ('roughness' in material) material.roughness = num(m.roughness, 0.8);
      if ('metalness' in material) material.metalness = num(m.metalness, 0.1);
      if (m.wireframe === true) material.wireframe = true;
      if (num(m.opacity, 1) < 1) {
        material.transparent = true;
        material.opacity = num(m.opacity, 1);
      }
      object = new THREE.Mesh(geometry, material);
    } else {
      const material = new THREE.PointsMaterial({ vertexColors: hasColors, size: num(m.size, radius / 30),
        sizeAttenuation: true, color: hasColors ? 0xffffff : colorOf(m.color, '#3b82f6') });
      object = new THREE.Points(geometry, material);
    }
    if (this.object) {
      this.scene.remove(this.object);
      this.object.geometry.dispose();
      this.object.material.dispose();
    }
    this.object = object;
    this.scene.add(object);
    this.setLights(config, radius, sphere ? sphere.center : new THREE.Vector3());
    if (!this.placed) {
      const cam = config.camera && typeof config.camera === 'object' ? config.camera : {};
      this.camera.fov = num(cam.fov, 50);
      const center = sphere ? sphere.center : new THREE.Vector3();
      const distance = radius / Math.sin((this.camera.fov / 2) * Math.PI / 180) * 1.15;
      this.camera.near = num(cam.near, distance / 1000);
      this.camera.far = num(cam.far, distance * 100);
      this.camera.position.set(center.x + distance * 0.5, center.y + distance * 0.35, center.z + distance * 0.8)
        .sub(center).setLength(distance).add(center);
      this.camera.updateProjectionMatrix();
      this.controls.target.copy(center);
      this.controls.update();
      this.placed = true;
    }
    this.resize();
  }

  setLights(config, radius, center) {
    for (const l of this.lights) this.scene.remove(l);
    this.lights = [];
    const wanted = Array.isArray(config.lights) && config.lights.length ? config.lights
      : [{ cls: 'AmbientLight', color: '#ffffff', intensity: 0.75 },
        { cls: 'DirectionalLight', color: '#ffffff', intensity: 1.6, position: [1, 1.5, 2] }];
    for (const spec of wanted) {
      const Light = LIGHTS[spec && spec.cls];
      if (!Light) continue;
      const light = new Light(colorOf(spec.color, '#ffffff'), num(spec.intensity, 1));
      if (Array.isArray(spec.position) && spec.position.length === 3 && light.position) {
        light.position.set(...spec.position.map(v => num(v, 0) * radius)).add(center);
      }
      this.lights.push(light);
      this.scene.add(light);
    }
  }

  /** What the scene holds now, for tests. */
  snapshot() {
    const g = this.object && this.object.geometry;
    return g ? {
      vertexCount: g.attributes.position.count,
      positions: Array.from(g.attributes.position.array),
      index: g.index ? Array.from(g.index.array) : [],
      colors: g.attributes.color ? Array.from(g.attributes.color.array) : [],
      camera: this.camera.position.toArray(),
      kind: this.object.isPoints ? 'points' : 'mesh',
    } : null;
  }

  destroy() {
    this.resizer.disconnect();
    this.offTheme();
    this.controls.dispose();
    if (this.object) {
      this.object.geometry.dispose();
      this.object.material.dispose();
    }
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.host.remove();
  }
}

/** A card for one mesh of one run: its view, step slider and batch element. */
class MeshCard {
  constructor(parent, ctx, run, mesh) {
    this.ctx = ctx;
    this.run = run;
    this.mesh = mesh;
    this.sample = 0;
    this.el = el('div', { class: 'card mesh-card', 'data-tab': 'mesh', 'data-run': run, 'data-mesh': mesh.name,
      'data-state': 'loading' });
    const swatch = el('span', { class: 'swatch', style: { background: ctx.runColor(run) } });
    this.note = el('span', { class: 'card-desc' });
    this.el.append(el('div', { class: 'card-head' }, el('span', { class: 'card-title', title: mesh.name }, mesh.name),
      el('span', { class: 'card-run', title: run }, swatch, runLabel(run)), this.note));
    this.view = new MeshView(this.el);
    const controls = el('div', { class: 'mesh-controls' });
    this.el.append(controls);
    this.slider = new StepSlider(controls, { label: `Step of ${mesh.name} in ${run}`, onChange: () => this.load() });
    this.sampleInput = el('input', { type: 'number', min: 0, value: 0, class: 'mesh-sample', 'aria-label': 'Element of the batch' });
    this.sampleField = el('label', { class: 'mesh-sample-field', hidden: true }, 'element ', this.sampleInput);
    this.sampleInput.addEventListener('change', () => {
      this.sample = Math.max(0, Math.floor(Number(this.sampleInput.value) || 0));
      this.load();
    });
    controls.append(this.sampleField);
    this.error = el('div', { class: 'error', hidden: true });
    this.el.append(this.error);
    this.step = null;
    testHook(this.el, '__mesh', () => ({ step: this.step, sample: this.sample, ...this.view.snapshot() }));
    parent.append(this.el);
  }

  setMesh(mesh) {
    this.mesh = mesh;
    this.slider.setSteps(mesh.steps, mesh.steps.map(() => 0));
  }

  async load() {
    const step = this.slider.step();
    if (step === null) return;
    const seq = (this.seq = (this.seq || 0) + 1);
    this.el.dataset.state = 'loading';
    try {
      const data = await this.ctx.api.mesh(this.run, this.mesh.name, step, this.sample);
      if (seq !== this.seq) return;
      this.view.show(data);
      this.step = data.step;
      this.sampleField.hidden = data.samples <= 1;
      this.sampleInput.max = String(data.samples - 1);
      const n = data.vertices.length / 3;
      const f = data.faces.length / 3;
      this.note.textContent = `${fmt(n)} vertices${f ? ` · ${fmt(f)} faces` : ' (point cloud)'}${data.colors.length ? ' · colours' : ''}`;
      this.error.hidden = true;
      this.el.dataset.state = 'ready';
    } catch (e) {
      if (seq !== this.seq) return;
      this.error.textContent = String(e.message || e);
      this.error.hidden = false;
      this.el.dataset.state = 'error';
    }
  }

  destroy() {
    this.view.destroy();
    this.el.remove();
  }
}

function hasMeshes(ctx) {
  return ctx.selectedRuns().some(run => ctx.runTags(run).some(t => t.kind === 'mesh'));
}

export default {
  id: 'mesh',
  title: 'Mesh',
  kinds: ['mesh'],

  empty(ctx) {
    return hasMeshes(ctx) ? null : EMPTY;
  },

  mount(container, ctx) {
    const grid = el('div', { class: 'cards mesh-cards' });
    const status = el('div', { class: 'empty' });
    container.append(status, grid);
    const cards = new Map(); // run + '\n' + mesh name -> MeshCard
    let generation = 0;

    async function refresh() {
      const gen = ++generation;
      const re = ctx.tagFilter();
      const runs = ctx.selectedRuns().filter(run => ctx.runTags(run).some(t => t.kind === 'mesh'));
      const wanted = [];
      for (const run of runs) {
        let answer;
        try {
          answer = await ctx.api.meshes(run);
        } catch (e) {
          continue; // a run gone since the list was read
        }
        if (gen !== generation) return;
        for (const mesh of answer.meshes) {
          if (!re || re.test(mesh.name)) wanted.push([run, mesh]);
        }
      }
      if (gen !== generation) return;
      const keep = new Set();
      for (const [run, mesh] of wanted.slice(0, MAX_VIEWS)) {
        const key = run + '\n' + mesh.name;
        keep.add(key);
        let card = cards.get(key);
        const before = card ? card.mesh.steps.length : -1;
        if (!card) {
          card = new MeshCard(grid, ctx, run, mesh);
          cards.set(key, card);
        }
        card.setMesh(mesh);
        if (before !== mesh.steps.length || card.step === null) card.load();
      }
      for (const [key, card] of cards) {
        if (!keep.has(key)) {
          card.destroy();
          cards.delete(key);
        }
      }
      status.textContent = wanted.length === 0
        ? (runs.length ? 'No mesh matches the tag filter.' : EMPTY + '.')
        : wanted.length > MAX_VIEWS ? `Showing ${MAX_VIEWS} of ${fmt(wanted.length)} meshes: narrow the tag filter or the runs to see the others.` : '';
      status.hidden = !status.textContent;
    }
    refresh();

    return {
      refresh(reason) {
        if (reason === 'state') return;
        refresh();
      },
      destroy() {
        generation++;
        for (const card of cards.values()) card.destroy();
        cards.clear();
        clear(container);
      },
    };
  },
};
