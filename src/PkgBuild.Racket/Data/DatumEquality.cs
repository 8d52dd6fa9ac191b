using System.Numerics;
using System.Runtime.CompilerServices;

namespace PkgBuild.Racket.Data;

/// <summary>
/// Racket's equality predicates over <see cref="Datum"/> and hash codes that agree with them. Walks use an
/// explicit stack; the only recursion is a hash looking up a key, which the reader's depth limit bounds.
/// </summary>
internal static class DatumEquality
{
    // Racket CS fixnums are 61 bits; larger integers are boxed and so not eq? to an equal copy.
    private static readonly BigInteger MinFixnum = -(BigInteger.One << 60);
    private static readonly BigInteger MaxFixnum = (BigInteger.One << 60) - 1;

    public static bool AreEqual(Datum a, Datum b) => Walk(a, b, alwaysMode: false);

    /// <summary><c>equal-always?</c>: like <c>equal?</c>, but values <c>read</c> makes mutable compare by identity.</summary>
    public static bool AreEqualAlways(Datum a, Datum b) => Walk(a, b, alwaysMode: true);

    public static bool AreEqv(Datum a, Datum b) =>
        ReferenceEquals(a, b) || (IsEqvByValue(a) && a.Kind == b.Kind && AreEqual(a, b));

    public static bool AreEq(Datum a, Datum b) =>
        ReferenceEquals(a, b) || (IsEqByValue(a) && a.Kind == b.Kind && AreEqual(a, b));

    public static bool KeysEqual(HashKind kind, Datum a, Datum b) => kind switch
    {
        HashKind.Equal => AreEqual(a, b),
        HashKind.EqualAlways => AreEqualAlways(a, b),
        HashKind.Eqv => AreEqv(a, b),
        _ => AreEq(a, b),
    };

    /// <summary>A hash code consistent with <see cref="KeysEqual"/> for <paramref name="kind"/>.</summary>
    public static int KeyHash(HashKind kind, Datum key) => kind switch
    {
        HashKind.Equal or HashKind.EqualAlways => key.GetHashCode(),
        HashKind.Eqv => IsEqvByValue(key) ? key.GetHashCode() : RuntimeHelpers.GetHashCode(key),
        _ => IsEqByValue(key) ? key.GetHashCode() : RuntimeHelpers.GetHashCode(key),
    };

    private static bool IsEqvByValue(Datum d) =>
        d is RacketBoolean or RacketNumber or RacketChar or RacketSymbol or RacketKeyword or RacketList { IsEmpty: true };

    private static bool IsEqByValue(Datum d) =>
        d is RacketBoolean or RacketChar or RacketSymbol or RacketKeyword or RacketList { IsEmpty: true }
        || (d is RacketInteger i && i.Value >= MinFixnum && i.Value <= MaxFixnum);

    private static bool IsMutableWhenRead(Datum d) => d is RacketString or RacketBytes or RacketVector or RacketBox;

    private static bool Walk(Datum first, Datum second, bool alwaysMode)
    {
        if (ReferenceEquals(first, second))
        {
            return true;
        }
        if (first is RacketSymbol or RacketString or RacketKeyword or RacketBoolean or RacketInteger or RacketChar or RacketFlonum or RacketBytes)
        {
            // Atoms have no children, so no work stack: most comparisons are of hash keys, and most keys are atoms.
            return first.Kind == second.Kind && !(alwaysMode && IsMutableWhenRead(first)) && ShallowEqual(first, second, null!);
        }
        var pending = new Stack<(Datum, Datum)>();
        pending.Push((first, second));
        while (pending.Count > 0)
        {
            var (a, b) = pending.Pop();
            if (ReferenceEquals(a, b))
            {
                continue;
            }
            if (a.Kind != b.Kind || (alwaysMode && IsMutableWhenRead(a)))
            {
                return false;
            }
            if (a.TryGetCachedHash(out var ha) && b.TryGetCachedHash(out var hb) && ha != hb)
            {
                return false;
            }
            if (!ShallowEqual(a, b, pending))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Compares the node itself and pushes the pairs of children still to compare.</summary>
    private static bool ShallowEqual(Datum a, Datum b, Stack<(Datum, Datum)> pending)
    {
        switch (a)
        {
            case RacketBoolean x:
                return x.Value == ((RacketBoolean)b).Value;
            case RacketInteger x:
                return x.Value == ((RacketInteger)b).Value;
            case RacketRational x:
                var y = (RacketRational)b;
                return x.Numerator == y.Numerator && x.Denominator == y.Denominator;
            case RacketFlonum x:
                return x.EqvBits == ((RacketFlonum)b).EqvBits;
            case RacketChar x:
                return x.Value == ((RacketChar)b).Value;
            case RacketString x:
                return string.Equals(x.Value, ((RacketString)b).Value, StringComparison.Ordinal);
            case RacketBytes x:
                return x.Value.AsSpan().SequenceEqual(((RacketBytes)b).Value.AsSpan());
            case RacketSymbol x:
                return string.Equals(x.Name, ((RacketSymbol)b).Name, StringComparison.Ordinal);
            case RacketKeyword x:
                return string.Equals(x.Name, ((RacketKeyword)b).Name, StringComparison.Ordinal);
            case RacketList x:
                var list = (RacketList)b;
                if (x.Items.Length != list.Items.Length || (x.Tail == null) != (list.Tail == null))
                {
                    return false;
                }
                if (x.Tail != null)
                {
                    pending.Push((x.Tail, list.Tail!));
                }
                PushAll(x.Items, list.Items, pending);
                return true;
            case RacketVector x:
                var vector = (RacketVector)b;
                if (x.Items.Length != vector.Items.Length)
                {
                    return false;
                }
                PushAll(x.Items, vector.Items, pending);
                return true;
            case RacketBox x:
                pending.Push((x.Content, ((RacketBox)b).Content));
                return true;
            case RacketRegexp x:
                var regexp = (RacketRegexp)b;
                if (x.RegexpKind != regexp.RegexpKind)
                {
                    return false;
                }
                pending.Push((x.Source, regexp.Source));
                return true;
            case RacketPrefab x:
                var prefab = (RacketPrefab)b;
                if (x.Fields.Length != prefab.Fields.Length)
                {
                    return false;
                }
                pending.Push((x.Key, prefab.Key));
                PushAll(x.Fields, prefab.Fields, pending);
                return true;
            case RacketHash x:
                var hash = (RacketHash)b;
                if (x.HashKind != hash.HashKind || x.Count != hash.Count)
                {
                    return false;
                }
                foreach (var (key, value) in x.Entries)
                {
                    if (!hash.TryGetValue(key, out var other))
                    {
                        return false;
                    }
                    pending.Push((value, other));
                }
                return true;
            default:
                throw new InvalidOperationException($"Unknown datum type {a.GetType().Name}.");
        }
    }

    private static void PushAll(IReadOnlyList<Datum> a, IReadOnlyList<Datum> b, Stack<(Datum, Datum)> pending)
    {
        for (var i = a.Count - 1; i >= 0; i--)
        {
            pending.Push((a[i], b[i]));
        }
    }

    /// <summary>Computes hash codes bottom-up with an explicit stack, caching each node's.</summary>
    public static int ComputeHash(Datum root)
    {
        var stack = new Stack<(Datum Node, bool ChildrenDone)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, childrenDone) = stack.Pop();
            if (node.TryGetCachedHash(out _))
            {
                continue;
            }
            if (!childrenDone)
            {
                stack.Push((node, true));
                foreach (var child in node.Children)
                {
                    if (!child.TryGetCachedHash(out _))
                    {
                        stack.Push((child, false));
                    }
                }
                continue;
            }
            node.SetCachedHash(node.ShallowHash(CachedHashOf));
        }
        root.TryGetCachedHash(out var result);
        return result;
    }

    private static int CachedHashOf(Datum child) =>
        child.TryGetCachedHash(out var hash) ? hash : ComputeHash(child);
}
