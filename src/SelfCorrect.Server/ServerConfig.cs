using SelfCorrect.Common;

namespace SelfCorrect.Server;

/// <summary>The <c>--config</c> file: <c>models:</c>, a list of <see cref="ModelAliasSettings"/>, read strictly (unknown keys name the file and line).</summary>
public sealed class ServerConfig
{
    public List<ModelAliasSettings> Models { get; set; } = [];

    public static ServerConfig Load(string path) => StrictYaml.Bind<ServerConfig>(StrictYaml.ReadMapping(path), StrictYaml.In(path));
}
