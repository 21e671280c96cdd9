import { writeSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fdOutput } from "./fast-output.js";

vi.mock("node:fs", async (original) => ({
  ...(await original<typeof import("node:fs")>()),
  writeSync: vi.fn(),
}));
const write = vi.mocked(writeSync);
afterEach(() => {
  vi.restoreAllMocks();
  write.mockReset();
});

const failure = (code: string) => Object.assign(new Error(code), { code });

describe("fdOutput", () => {
  it("writes everything, however few bytes each call takes", () => {
    const seen: string[] = [];
    write.mockImplementation((_fd, data: unknown, offset: unknown) => {
      const bytes = (data as Buffer).subarray(offset as number, (offset as number) + 3);
      seen.push(bytes.toString());
      return bytes.length;
    });

    fdOutput(1).write("hello, world\n");

    expect(seen.join("")).toBe("hello, world\n");
    expect(write.mock.calls.every(([fd]) => fd === 1)).toBe(true);
  });

  it("drops what is left, now and later, once the reader has gone (EPIPE)", () => {
    write.mockImplementation(() => {
      throw failure("EPIPE");
    });
    const out = fdOutput(1);

    out.write("first\n");
    out.write("second\n");

    expect(write).toHaveBeenCalledTimes(1);
  });

  it("hands the rest, and every later write, to the stream when a non-blocking pipe is full (EAGAIN)", () => {
    write.mockReturnValueOnce(2).mockImplementationOnce(() => {
      throw failure("EAGAIN");
    });
    const streamed: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      streamed.push(Buffer.from(chunk).toString());
      return true;
    });
    const err = fdOutput(2);

    err.write("abcdef");
    err.write("gh");

    expect(streamed).toEqual(["cdef", "gh"]);
    expect(write).toHaveBeenCalledTimes(2);
  });

  it("throws any other error, as a write to the stream would", () => {
    write.mockImplementation(() => {
      throw failure("EBADF");
    });

    expect(() => fdOutput(1).write("x")).toThrow("EBADF");
  });
});
