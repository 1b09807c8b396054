using System.Collections;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization.NamingConventions;

namespace SelfCorrect.Common;

/// <summary>
/// Reads YAML into settings classes strictly: every key must name a public settable property (in snake_case) of the
/// class at that place, and every value must have the property's type. Errors are one line that names the file, the
/// line and the dotted key (<c>quick.yaml:4: model.layers: expected an integer, got 'two'</c>).
/// Supported property types: string, bool, the integer and floating-point types, enums (by snake_case name),
/// their nullable forms, lists and arrays of these, string-keyed dictionaries, nested settings classes, and
/// <see cref="YamlNode"/> types (the node as written, for values the caller reads itself).
/// </summary>
public static class StrictYaml
{
    /// <summary>Says where a node came from, as <c>file:line</c>; lets callers that merge several files keep each node's origin.</summary>
    public delegate string Locator(YamlNode node);

    /// <summary>The document of a YAML file; an empty file is an empty mapping. Syntax errors name the file and line.</summary>
    public static YamlNode Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"{path}: file not found");
        }
        return Parse(text, path);
    }

    /// <summary>The document of YAML text; <paramref name="source"/> names it in errors.</summary>
    public static YamlNode Parse(string text, string source)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{source}:{e.Start.Line}: {OneLine((e.InnerException ?? e).Message)}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way, without a position, on a flow collection left open before more lines.
            throw new InvalidDataException($"{source}:{parser.Current?.Start.Line ?? 1}: malformed YAML (a [ or {{ left open?)");
        }
        return stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode;
    }

    /// <summary>The mapping at the top of a file; anything else is an error naming the file.</summary>
    public static YamlMappingNode ReadMapping(string path) =>
        Read(path) as YamlMappingNode ?? throw new InvalidDataException($"{path}:1: expected a mapping of keys to values at the top level");

    /// <summary>Locates every node in <paramref name="path"/> by its own line.</summary>
    public static Locator In(string path) => node => $"{path}:{node.Start.Line}";

    /// <summary>A new <typeparamref name="T"/> with the node's keys bound onto its settable properties (unknown keys are errors).</summary>
    /// <param name="node">A mapping of snake_case keys.</param>
    /// <param name="where">Locates a node for error messages (<see cref="In"/>).</param>
    public static T Bind<T>(YamlNode node, Locator where) where T : new() => (T)BindValue(node, typeof(T), "", where)!;

    /// <summary>Binds onto an existing object: only the keys present are set.</summary>
    public static void BindInto(object target, YamlMappingNode mapping, string prefix, Locator where)
    {
        var properties = SettableProperties(target.GetType());
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            string key = keyNode is YamlScalarNode { Value: { } k } ? k : throw Error(where, keyNode, prefix, "keys must be plain names");
            if (!properties.TryGetValue(key, out var property))
                throw Error(where, keyNode, prefix + key, $"unknown key (known here: {string.Join(", ", properties.Keys)})");
            property.SetValue(target, BindValue(valueNode, property.PropertyType, prefix + key, where));
        }
    }

    /// <summary>The snake_case key of each public settable property of <paramref name="type"/>.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => KeyOf(p.Name));

    /// <summary>The snake_case key of a property name (<c>CheckPrompt</c> becomes <c>check_prompt</c>).</summary>
    public static string KeyOf(string propertyName) => UnderscoredNamingConvention.Instance.Apply(propertyName);

    /// <summary>The entry of <paramref name="key"/> in <paramref name="mapping"/>, or null when the key is absent.</summary>
    public static KeyValuePair<YamlNode, YamlNode>? Entry(YamlMappingNode mapping, string key) =>
        mapping.Children.Where(e => e.Key is YamlScalarNode { Value: var k } && k == key)
            .Select(e => (KeyValuePair<YamlNode, YamlNode>?)e).FirstOrDefault();

    private static object? BindValue(YamlNode node, Type type, string key, Locator where)
    {
        if (typeof(YamlNode).IsAssignableFrom(type))
            return type.IsInstanceOfType(node) ? node : throw Error(where, node, key, $"expected a {ShapeOf(type)}, got a {Shape(node)}");
        var underlying = Nullable.GetUnderlyingType(type);
        if (IsNull(node))
        {
            if (underlying is not null || !type.IsValueType) return null;
            throw Error(where, node, key, $"expected {Describe(type)}, got nothing");
        }
        type = underlying ?? type;
        if (type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal))
            return node is YamlScalarNode scalar ? ParseScalar(scalar, type, key, where) : throw Error(where, node, key, $"expected {Describe(type)}, got a {Shape(node)}");
        if (ElementType(type) is { } element)
        {
            if (node is not YamlSequenceNode sequence) throw Error(where, node, key, $"expected a list, got a {Shape(node)}");
            var items = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            int index = 0;
            foreach (var item in sequence.Children) items.Add(BindValue(item, element, $"{key}[{index++}]", where));
            if (!type.IsArray) return items;
            var array = Array.CreateInstance(element, items.Count);
            items.CopyTo(array, 0);
            return array;
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            if (node is not YamlMappingNode map) throw Error(where, node, key, $"expected a mapping, got a {Shape(node)}");
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            foreach (var (k, v) in map.Children)
            {
                string name = ((YamlScalarNode)k).Value ?? "";
                dictionary[name] = BindValue(v, valueType, Join(key, name), where);
            }
            return dictionary;
        }
        if (node is not YamlMappingNode mapping) throw Error(where, node, key, $"expected a mapping of keys to values, got a {Shape(node)}");
        object target = Activator.CreateInstance(type) ?? throw new InvalidOperationException($"{type} needs a parameterless constructor");
        BindInto(target, mapping, key.Length == 0 ? "" : key + ".", where);
        return target;
    }

    private static object ParseScalar(YamlScalarNode scalar, Type type, string key, Locator where)
    {
        string text = scalar.Value ?? "";
        if (type == typeof(string)) return text;
        var invariant = CultureInfo.InvariantCulture;
        try
        {
            if (type == typeof(bool))
                return text.ToLowerInvariant() switch { "true" or "yes" or "on" => true, "false" or "no" or "off" => false, _ => throw new FormatException() };
            if (type.IsEnum)
            {
                foreach (string name in Enum.GetNames(type))
                    if (KeyOf(name) == text || name == text) return Enum.Parse(type, name);
                throw Error(where, scalar, key, $"expected one of {string.Join(", ", Enum.GetNames(type).Select(KeyOf))}, got '{text}'");
            }
            if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            {
                string normalised = text switch { ".inf" or ".Inf" => "Infinity", "-.inf" or "-.Inf" => "-Infinity", ".nan" or ".NaN" => "NaN", _ => text };
                return Convert.ChangeType(double.Parse(normalised, NumberStyles.Float, invariant), type, invariant);
            }
            return Convert.ChangeType(long.Parse(text, NumberStyles.Integer, invariant), type, invariant);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            throw Error(where, scalar, key, $"expected {Describe(type)}, got '{text}'");
        }
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        return (definition == typeof(Dictionary<,>) || definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>))
            && arguments[0] == typeof(string)
            ? arguments[1]
            : null;
    }

    private static string Describe(Type type) =>
        type == typeof(string) ? "text"
        : type == typeof(bool) ? "true or false"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "a number"
        : type.IsPrimitive ? "an integer"
        : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type).Select(KeyOf))}"
        : "a mapping";

    private static string Shape(YamlNode node) => node switch
    {
        YamlSequenceNode => "list",
        YamlMappingNode => "mapping",
        _ => "single value",
    };

    private static string ShapeOf(Type nodeType) =>
        nodeType == typeof(YamlSequenceNode) ? "list" : nodeType == typeof(YamlMappingNode) ? "mapping" : "single value";

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";

    private static InvalidDataException Error(Locator where, YamlNode node, string key, string message) =>
        new(key.Length == 0 ? $"{where(node)}: {message}" : $"{where(node)}: {key.TrimEnd('.')}: {message}");

    private static string OneLine(string message) =>
        string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
