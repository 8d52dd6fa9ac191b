using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Data;

/// <summary>
/// The reader's input: UTF-16 code units with one character of lookahead and the current line, column and
/// offset. From a <see cref="Stream"/> it decodes UTF-8 itself so that an invalid byte is reported where it
/// is (<see cref="ErrorCodes.DataEncoding"/>) instead of becoming U+FFFD. Unpaired surrogates from a
/// <see cref="TextReader"/> are refused the same way, since Racket text cannot hold them.
/// </summary>
internal sealed class CharSource : IDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly TextReader? _text;
    private readonly Stream? _stream;
    private readonly bool _leaveOpen;
    private readonly string? _file;
    private readonly char[] _chars = new char[BufferSize];
    private int _charPos;
    private int _charLen;

    private readonly byte[] _bytes = new byte[BufferSize];
    private int _bytePos;
    private int _byteLen;
    private bool _bytesEnded;
    private long _byteOffset;
    private string? _pendingEncodingError;

    private int _line = 1;
    private int _column = 1;
    private long _offset;
    private bool _afterCarriageReturn;
    private bool _afterHighSurrogate;

    public CharSource(TextReader text, string? file, bool leaveOpen)
    {
        _text = text;
        _file = file;
        _leaveOpen = leaveOpen;
    }

    public CharSource(Stream stream, string? file, bool leaveOpen)
    {
        _stream = stream;
        _file = file;
        _leaveOpen = leaveOpen;
    }

    public string? File => _file;

    public SourceLocation Location => new(_file, _line, _column, _offset);

    /// <summary>The next code unit without consuming it, or -1 at the end.</summary>
    public int Peek()
    {
        if (_charPos == _charLen && !Fill())
        {
            return -1;
        }
        return _chars[_charPos];
    }

    /// <summary>Consumes and returns the next code unit, or -1 at the end.</summary>
    public int Read()
    {
        var c = Peek();
        if (c < 0)
        {
            return -1;
        }
        if (char.IsLowSurrogate((char)c) != _afterHighSurrogate)
        {
            throw Unpaired(c);
        }
        _charPos++;
        _afterHighSurrogate = char.IsHighSurrogate((char)c);
        if (_afterHighSurrogate && (Peek() < 0 || !char.IsLowSurrogate((char)Peek())))
        {
            throw Unpaired(c);
        }
        _offset++;
        if (c == '\n')
        {
            if (!_afterCarriageReturn)
            {
                _line++;
            }
            _column = 1;
        }
        else if (c == '\r')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        _afterCarriageReturn = c == '\r';
        return c;
    }

    private PkgBuildException Unpaired(int c) =>
        new(ErrorCodes.DataEncoding, $"The text has an unpaired UTF-16 surrogate (U+{c:X4}); Racket text holds only Unicode scalar values.", Location);

    private bool Fill()
    {
        _charPos = 0;
        _charLen = 0;
        if (_text != null)
        {
            _charLen = _text.Read(_chars, 0, _chars.Length);
            return _charLen > 0;
        }
        if (_pendingEncodingError != null)
        {
            throw new PkgBuildException(ErrorCodes.DataEncoding, _pendingEncodingError, Location);
        }
        DecodeUtf8();
        if (_charLen == 0 && _pendingEncodingError != null)
        {
            throw new PkgBuildException(ErrorCodes.DataEncoding, _pendingEncodingError, Location);
        }
        return _charLen > 0;
    }

    /// <summary>Decodes as much as fits; stops before an invalid sequence and remembers it.</summary>
    private void DecodeUtf8()
    {
        while (_charLen < _chars.Length - 1)
        {
            if (_byteLen - _bytePos < 4 && !_bytesEnded)
            {
                Array.Copy(_bytes, _bytePos, _bytes, 0, _byteLen - _bytePos);
                _byteLen -= _bytePos;
                _bytePos = 0;
                while (_byteLen < _bytes.Length && !_bytesEnded)
                {
                    var n = _stream!.Read(_bytes, _byteLen, _bytes.Length - _byteLen);
                    _bytesEnded = n == 0;
                    _byteLen += n;
                }
            }
            if (_bytePos == _byteLen)
            {
                return;
            }
            var b0 = _bytes[_bytePos];
            if (b0 < 0x80)
            {
                _chars[_charLen++] = (char)b0;
                _bytePos++;
                _byteOffset++;
                continue;
            }
            var (length, min) = b0 switch
            {
                >= 0xC2 and <= 0xDF => (2, 0x80),
                >= 0xE0 and <= 0xEF => (3, 0x800),
                >= 0xF0 and <= 0xF4 => (4, 0x10000),
                _ => (0, 0),
            };
            var available = _byteLen - _bytePos;
            var codePoint = length == 0 ? -1 : b0 & (0xFF >> (length + 1));
            for (var i = 1; i < length && codePoint >= 0; i++)
            {
                if (i >= available || (_bytes[_bytePos + i] & 0xC0) != 0x80)
                {
                    codePoint = -1;
                }
                else
                {
                    codePoint = (codePoint << 6) | (_bytes[_bytePos + i] & 0x3F);
                }
            }
            if (codePoint < min || codePoint > 0x10FFFF || codePoint is >= 0xD800 and <= 0xDFFF)
            {
                _pendingEncodingError = $"The input is not valid UTF-8: byte 0x{b0:X2} at byte offset {_byteOffset} does not start a valid sequence.";
                return;
            }
            if (codePoint >= 0x10000)
            {
                codePoint -= 0x10000;
                _chars[_charLen++] = (char)(0xD800 + (codePoint >> 10));
                _chars[_charLen++] = (char)(0xDC00 + (codePoint & 0x3FF));
            }
            else
            {
                _chars[_charLen++] = (char)codePoint;
            }
            _bytePos += length;
            _byteOffset += length;
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _text?.Dispose();
            _stream?.Dispose();
        }
    }
}
