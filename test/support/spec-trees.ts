import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Small but realistic trees of the three spec layouts `specprompt import` reads, path → content,
 * shaped after what `specify init` + /speckit.* commands, `openspec init` and Kiro write.
 */
export const SPEC_KIT_TREE: Record<string, string> = {
  ".specify/memory/constitution.md": `# Photo Albums Constitution

## Core Principles

### I. Library-First
Every feature starts as a standalone library with its own tests.

### II. Test-First (NON-NEGOTIABLE)
Tests are written and fail before the implementation.

**Version**: 1.0.0 | **Ratified**: 2025-01-10
`,
  ".specify/templates/spec-template.md": "# Feature Specification: [FEATURE NAME]\n",
  "specs/001-photo-albums/spec.md": `# Feature Specification: Photo Albums

**Feature Branch**: \`001-photo-albums\`
**Status**: Draft

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Group photos into albums (Priority: P1)
A user groups photos into albums sorted by date.

**Acceptance Scenarios**:
1. **Given** three photos from two dates, **When** the user opens albums, **Then** two albums show.

## Requirements *(mandatory)*

### Functional Requirements
- **FR-001**: System MUST group photos by the date they were taken.
- **FR-002**: Users MUST be able to drag albums to reorder them.
`,
  "specs/001-photo-albums/plan.md": `# Implementation Plan: Photo Albums

## Technical Context
**Language/Version**: TypeScript 5, Node 20
**Primary Dependencies**: none
**Storage**: SQLite
**Testing**: node --test
`,
  "specs/001-photo-albums/research.md": "# Research\n\n- Decision: SQLite. Rationale: local-only.\n",
  "specs/001-photo-albums/data-model.md":
    "# Data Model\n\n## Album\n- id, title, date\n\n## Photo\n- id, albumId, takenAt\n",
  "specs/001-photo-albums/quickstart.md": "# Quickstart\n\n1. Open the app and drop photos in.\n",
  "specs/001-photo-albums/contracts/albums.yaml":
    "openapi: 3.0.0\npaths:\n  /albums:\n    get:\n      summary: List albums\n",
  "specs/001-photo-albums/tasks.md": `# Tasks: Photo Albums

## Phase 3.1: Setup
- [ ] T001 Create project structure per implementation plan
- [ ] T002 [P] Configure linting

## Phase 3.3: Core Implementation
- [ ] T010 [P] Album model in src/models/album.ts
`,
  "specs/001-photo-albums/checklists/requirements.md":
    "# Specification Quality Checklist\n\n- [x] No implementation details\n",
};

export const OPENSPEC_TREE: Record<string, string> = {
  "openspec/project.md": `# Project Context

## Purpose
A small task tracker with user accounts.

## Tech Stack
- TypeScript, Node 20, no framework

## Project Conventions
### Code Style
Small pure functions; ES modules.
`,
  "openspec/AGENTS.md": "# OpenSpec Instructions\n\nCreate a change proposal before coding.\n",
  "openspec/specs/auth/spec.md": `# auth Specification

## Purpose
Users sign in with email and password.

## Requirements
### Requirement: Sign in
The system SHALL issue a session token when the credentials are valid.

#### Scenario: Valid credentials
- **WHEN** a user submits a known email and the right password
- **THEN** a session token is returned
`,
  "openspec/specs/tasks/spec.md": `# tasks Specification

## Requirements
### Requirement: Create task
The system SHALL let a signed-in user create a task with a title.

#### Scenario: Title missing
- **WHEN** the title is empty
- **THEN** the task is rejected
`,
  "openspec/changes/add-2fa/proposal.md":
    "## Why\nAccounts need a second factor.\n\n## What Changes\n- Add TOTP\n",
  "openspec/changes/add-2fa/tasks.md": "## 1. Implementation\n- [ ] 1.1 Add TOTP secret\n",
  "openspec/changes/add-2fa/specs/auth/spec.md":
    "## ADDED Requirements\n### Requirement: Second factor\nThe system SHALL ask for a TOTP code.\n",
};

export const KIRO_TREE: Record<string, string> = {
  ".kiro/steering/product.md": "# Product\n\nA recipe book that scales ingredient amounts.\n",
  ".kiro/steering/tech.md": "# Tech\n\n- Python 3.12, FastAPI\n- pytest\n",
  ".kiro/steering/structure.md": "# Structure\n\n- app/ — the API\n- tests/ — pytest\n",
  ".kiro/specs/recipe-scaling/requirements.md": `# Requirements Document

## Introduction
Scale a recipe to a number of servings.

## Requirements

### Requirement 1
**User Story:** As a cook, I want to scale a recipe, so that I can cook for more people.

#### Acceptance Criteria
1. WHEN the user sets servings to 4 THEN the system SHALL multiply each amount by 4 / the base servings
2. IF servings is not a positive integer THEN the system SHALL reject the request
`,
  ".kiro/specs/recipe-scaling/design.md": `# Design Document

## Overview
A pure function \`scale(recipe, servings)\` behind \`POST /recipes/{id}/scale\`.

## Components and Interfaces
- \`scale\` in app/scaling.py
`,
  ".kiro/specs/recipe-scaling/tasks.md": `# Implementation Plan

- [ ] 1. Write the scale function
  - Multiply every amount
  - _Requirements: 1.1_
- [ ] 2. Add the endpoint
  - _Requirements: 1.1, 1.2_
`,
};

/** Write a tree of path → content below `dir`. */
export async function writeTree(dir: string, tree: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}
