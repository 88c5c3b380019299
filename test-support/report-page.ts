/**
 * Opens a report page in Debian's chromium, driven by playwright-core (never a downloaded browser), and reports
 * what a person would meet there: console errors, network requests, the marks each chart drew, whether a
 * legend toggle and a hover respond. Saves a screenshot beside the page for a person to look at.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import type { Page } from 'playwright-core'

/** The system chromium: `.ci/run` installs Debian's package when `command -v chromium` finds none. */
export function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error("no chromium on PATH: install Debian's package (apt-get install -y chromium), as .ci/run does")
  }
}

export interface ChartMarks {
  /** Mark type (symbol, line, area, rule, text, rect) → items drawn, counted in the page's SVG. */
  readonly [markType: string]: number
}

export interface OpenedPage {
  readonly page: Page
  readonly consoleErrors: string[]
  /** Every request the page made other than loading its own file. */
  readonly requests: string[]
  /** Chart id → the marks in its SVG. */
  marks(): Promise<Record<string, ChartMarks>>
  /** Clicks a chart's legend entry; returns the opacity of each of its points afterwards. */
  toggle(chart: string, label: string): Promise<string[]>
  /** Hovers a chart's first point; returns the tooltip's text. */
  hover(chart: string): Promise<string>
  close(): Promise<void>
}

/** Per chart (div.chart), the items drawn per mark type: paths, lines and texts inside each mark's group. */
const countMarks = `(() => {
  const counts = {}
  for (const chart of document.querySelectorAll('div.chart')) {
    const own = {}
    for (const group of chart.querySelectorAll('g.role-mark')) {
      const type = [...group.classList].find(c => c.startsWith('mark-'))?.slice(5)
      if (type) own[type] = (own[type] ?? 0) + group.querySelectorAll(':scope > path, :scope > text, :scope > line').length
    }
    counts[chart.id] = own
  }
  return counts
})()`

export async function openReportPage(htmlPath: string): Promise<OpenedPage> {
  const profile = mkdtempSync(join(tmpdir(), 'lmscale-chromium-'))
  // playwright-core takes the fresh profile directory as the persistent context's user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const consoleErrors: string[] = []
  const requests: string[] = []
  const url = pathToFileURL(htmlPath).href
  page.on('console', message => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', error => consoleErrors.push(String(error)))
  page.on('request', request => {
    if (request.url() !== url) requests.push(request.url())
  })
  await page.goto(url)
  await page.evaluate('window.lmscaleReady')
  return {
    page,
    consoleErrors,
    requests,
    marks: () => page.evaluate(countMarks) as Promise<Record<string, ChartMarks>>,
    toggle: async (chart, label) => {
      await page
        .locator(`#${chart} g.role-legend-label text`, { hasText: new RegExp(`^${label}$`) })
        .first()
        .click({ force: true }) // vega's labels ignore pointer events; the click lands on their legend entry
      return (await page.evaluate(
        `[...document.querySelectorAll('#${chart} g.mark-symbol.role-mark path')].map(p => p.getAttribute('opacity') ?? '1')`,
      )) as string[]
    },
    hover: async chart => {
      await page.locator(`#${chart} g.mark-symbol.role-mark path`).first().hover({ force: true })
      const tooltip = page.locator('#vg-tooltip-element.visible')
      await tooltip.waitFor({ timeout: 5000 })
      return (await tooltip.textContent()) ?? ''
    },
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
