using System.Collections.Immutable;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Data;

public sealed partial class DatumReader
{
    private enum FrameKind
    {
        List,
        Vector,
        Hash,
        HashEntry,
        Prefab,
        Quote,
        Box,
        DatumComment,
    }

    private enum DotState
    {
        None,
        AwaitingTail,
        TailRead,
        Infix,
    }

    /// <summary>
    /// One open compound datum on the reader's stack. Frames are reused (see <see cref="RentFrame"/>): a
    /// catalog opens one per list, hash and hash pair, and allocating each anew dominated reading time.
    /// </summary>
    private sealed class Frame
    {
        public FrameKind Kind { get; private set; }
        public SourceLocation Start { get; private set; }
        public char Close { get; private set; }
        public string? Opener { get; private set; }
        public HashKind HashKind { get; private set; }
        public string? QuoteSymbol { get; private set; }

        public Frame Reset(FrameKind kind, SourceLocation start, char close, HashKind hashKind, string? quoteSymbol, string? opener)
        {
            (Kind, Start, Close, HashKind, QuoteSymbol, Opener) = (kind, start, close, hashKind, quoteSymbol, opener);
            _items?.Clear();
            _entries?.Clear();
            DotState = DotState.None;
            Tail = null;
            InfixOperator = null;
            _infixAt = -1;
            return this;
        }
        // Made on first use: a hash frame never needs Items and no other frame needs Entries.
        public List<Datum> Items => _items ??= new(4);
        public List<KeyValuePair<Datum, Datum>> Entries => _entries ??= new(8);
        private List<Datum>? _items;
        private List<KeyValuePair<Datum, Datum>>? _entries;
        public DotState DotState { get; set; }
        public Datum? Tail { get; set; }
        public Datum? InfixOperator { get; set; }
        private int _infixAt = -1;

        public string Describe() => $"`{Opener}` at {Start.Line}:{Start.Column}";

        public void Add(Datum datum, DatumReader reader)
        {
            switch (Kind)
            {
                case FrameKind.Hash:
                    var entry = (HashEntryDatum)datum;
                    Entries.Add(new(entry.Key, entry.Value));
                    return;
                case FrameKind.HashEntry when Items.Count == 1 && DotState == DotState.None:
                    throw reader.Error(ErrorCodes.DataSyntax, $"expected `.` between the key and the value in {Describe()}", datum.Location);
                case FrameKind.List or FrameKind.HashEntry when DotState == DotState.AwaitingTail:
                    Tail = datum;
                    DotState = DotState.TailRead;
                    return;
                case FrameKind.List or FrameKind.HashEntry when DotState == DotState.TailRead:
                    throw reader.Error(ErrorCodes.DataSyntax, $"illegal use of `.`: more than one datum after it in {Describe()}", datum.Location);
                case FrameKind.List when DotState == DotState.Infix && _infixAt < 0:
                    _infixAt = Items.Count;
                    Items.Add(datum);
                    return;
                default:
                    Items.Add(datum);
                    return;
            }
        }

        public Datum Build(DatumReader reader, Token closer)
        {
            if (DotState == DotState.AwaitingTail || (DotState == DotState.Infix && _infixAt < 0))
            {
                throw reader.Error(ErrorCodes.DataSyntax, $"expected a datum after `.` in {Describe()}", closer.Location);
            }
            switch (Kind)
            {
                case FrameKind.List when DotState == DotState.Infix:
                    return new RacketList(Items.Prepend(InfixOperator!).ToImmutableArray()) { Location = Start };
                case FrameKind.List:
                    return new RacketList(Items.ToImmutableArray(), Tail) { Location = Start };
                case FrameKind.Vector:
                    return new RacketVector(Items.ToImmutableArray()) { Location = Start };
                case FrameKind.Hash:
                    return new RacketHash(HashKind, Entries) { Location = Start };
                case FrameKind.HashEntry:
                    if (Items.Count != 1 || DotState != DotState.TailRead)
                    {
                        throw reader.Error(ErrorCodes.DataSyntax, $"expected a (key . value) pair, found {Describe()} without `.` and a value", Start);
                    }
                    return new HashEntryDatum(Items[0], Tail!);
                default:
                    if (Items.Count == 0 || Items[0] is not (RacketSymbol or RacketList { IsProper: true, Items: [RacketSymbol, ..] }))
                    {
                        throw reader.Error(ErrorCodes.DataSyntax, $"expected a prefab key (a symbol or a list starting with one) in {Describe()}", Start);
                    }
                    return new RacketPrefab(Items[0], Items.Skip(1).ToImmutableArray()) { Location = Start };
            }
        }
    }

    /// <summary>A hash pair on its way from its frame to the hash; never leaves the reader.</summary>
    private sealed class HashEntryDatum(Datum key, Datum value) : Datum
    {
        public Datum Key { get; } = key;
        public Datum Value { get; } = value;
        public override DatumKind Kind => DatumKind.List;
        internal override int ShallowHash(Func<Datum, int> childHash) => 0;
    }
}
