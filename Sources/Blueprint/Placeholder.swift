public enum BlueprintPlaceholder {}
