using SharpSight.Games.Othello;
using SharpSight.Games.Training;
using SharpSight.Models.Loading;
using SharpSight.Models.Modules;

namespace SharpSight.Games.Laboratory;

/// <summary>
/// The Othello laboratory model shipped in the repository (models/othello-lab, Hugging Face GPT-2 layout, with its model
/// card), and loading of any Othello model folder: the shipped one, a training folder of <c>games train</c>, or an
/// exported Hugging Face folder.
/// </summary>
public static class OthelloLaboratory
{
    /// <summary>The shipped model's folder name, under models/ in the repository and beside the program.</summary>
    public const string FolderName = "othello-lab";

    /// <summary>
    /// The shipped model's folder: models/othello-lab beside the program (the CLI copies it there at build), else in
    /// the repository above the working directory.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither place holds the model.</exception>
    public static string DefaultFolder()
    {
        string besideProgram = Path.Combine(AppContext.BaseDirectory, "models", FolderName);
        if (File.Exists(Path.Combine(besideProgram, "config.json"))) return besideProgram;
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "models", FolderName);
            if (File.Exists(Path.Combine(candidate, "config.json"))) return candidate;
        }
        throw new FileNotFoundException($"the laboratory model models/{FolderName} was found neither beside the program ({AppContext.BaseDirectory}) nor above {Directory.GetCurrentDirectory()}; pass the model folder explicitly");
    }

    /// <summary>
    /// Loads an Othello model: a training folder (preset.json and latest.json: its latest checkpoint) or a Hugging Face
    /// folder (config.json). The vocabulary must cover the Othello tokens.
    /// </summary>
    /// <exception cref="ArgumentException">The folder is neither, or its model is not an Othello model.</exception>
    public static TransformerModel LoadModel(string folder)
    {
        if (!Directory.Exists(folder)) throw new ArgumentException($"{folder}: model folder not found");
        TransformerModel model = File.Exists(Path.Combine(folder, "preset.json")) ? OthelloPresets.Load(folder)
            : File.Exists(Path.Combine(folder, "config.json")) ? ModelLoader.Load(folder)
            : throw new ArgumentException($"{folder}: neither a training folder (preset.json) nor a Hugging Face model folder (config.json)");
        if (model.Config.VocabSize < OthelloVocabulary.Size)
        {
            int vocabulary = model.Config.VocabSize;
            model.Dispose();
            throw new ArgumentException($"{folder}: vocab_size {vocabulary} is smaller than the Othello vocabulary ({OthelloVocabulary.Size} tokens); not an Othello model");
        }
        return model;
    }

    /// <summary>
    /// The eOthello championship games shipped with the project's shared data (shared/data/datasets/othello/
    /// othello_dataset.csv in a folder above the working directory or the program), or null when absent.
    /// </summary>
    public static string? FindChampionshipGames()
    {
        string relative = Path.Combine("shared", "data", "datasets", "othello", "othello_dataset.csv");
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, relative);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
