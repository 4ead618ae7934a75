/**
 * The `_messages` value: written as Django's MessageEncoder writes it (Python's default separators,
 * ensure_ascii), read leniently. The byte format is also checked against real Django in
 * test/django/interop-messages.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessages } from '../../src/messages/codec.js';
import type { StoredMessage } from '../../src/messages/stored-message.js';

const message = (level: number, text: string, extraTags: string | null = '', safe = false): StoredMessage => ({ level, message: text, extraTags, safe });

describe('encodeMessages', () => {
  it("writes Django's list of lists with Python's separators and a 0/1 safe flag", () => {
    expect(encodeMessages([message(20, 'Hi'), message(25, '<b>ok</b>', 'a b', true)])).toBe(
      '[["__json_message", 0, 20, "Hi", ""], ["__json_message", 1, 25, "<b>ok</b>", "a b"]]',
    );
  });

  it('leaves out extra tags read as absent, as they came', () => {
    expect(encodeMessages([message(40, 'err', null)])).toBe('[["__json_message", 0, 40, "err"]]');
  });

  it('escapes as Python does: ASCII only, surrogate pairs, quotes and backslashes, "/" as is', () => {
    expect(encodeMessages([message(20, 'naïve — 日本 😀 "q" \\ / \n\u007f')])).toBe(
      '[["__json_message", 0, 20, "na\\u00efve \\u2014 \\u65e5\\u672c \\ud83d\\ude00 \\"q\\" \\\\ / \\n\\u007f", ""]]',
    );
  });

  it('writes any whole-number level, negative ones included', () => {
    expect(encodeMessages([message(-5, 'x'), message(35, 'y')])).toBe('[["__json_message", 0, -5, "x", ""], ["__json_message", 0, 35, "y", ""]]');
  });
});

describe('decodeMessages', () => {
  it('reads what encodeMessages writes, lone surrogates included', () => {
    const messages = [message(20, 'a\ud800b 😀'), message(40, 'e', null, true), message(25, 's', 'x y')];
    expect(decodeMessages(encodeMessages(messages))).toEqual(messages);
  });

  it('reads the compact form other writers may use, and Python truth values for the safe flag', () => {
    expect(
      decodeMessages('[["__json_message",1,20,"a"],["__json_message",true,20,"b",null],["__json_message","",20,"c"],["__json_message",[],20,"d"]]'),
    ).toEqual([message(20, 'a', null, true), message(20, 'b', null, true), message(20, 'c', null, false), message(20, 'd', null, false)]);
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['an empty string', ''],
    ['a list instead of the JSON string', [['__json_message', 0, 20, 'x']]],
    ['a number', 3],
    ['broken JSON', '[["__json_message", 0, 20, "x"'],
    ["Python's NaN", '[["__json_message", 0, NaN, "x"]]'],
    ['an object', '{"__json_message": 1}'],
    ['one message not in a list', '["__json_message", 0, 20, "x"]'],
  ])('reads %s as no messages', (_label, value) => {
    expect(decodeMessages(value)).toEqual([]);
  });

  it('skips entries that are not messages and keeps the others', () => {
    const raw = JSON.stringify([
      ['__json_message', 0, 20, 'kept'],
      ['__json_mesage', 0, 20, 'misspelt marker'],
      ['__json_message', 0, '20', 'level as a string'],
      ['__json_message', 0, 20.5, 'fractional level'],
      ['__json_message', 0, 20, 7],
      ['__json_message', 0, 20, 'tags not a string', 3],
      ['__json_message', 0, 20, 'too long', '', 'extra'],
      ['__json_message', 0, 20],
      'text',
      null,
      ['__json_message', 0, 30, 'kept too', 'tag'],
    ]);
    expect(decodeMessages(raw)).toEqual([message(20, 'kept', null), message(30, 'kept too', 'tag')]);
  });
});
