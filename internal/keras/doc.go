// Package keras opens Keras model files in pure Go: the legacy HDF5 format
// of Keras 2's model.save("x.h5") and save_weights, and Keras 3's ".keras"
// zip archive. It builds Convscope's own models (nn.Sequential for a
// Sequential Keras model made of the classic layers, nn.Graph otherwise)
// with Keras' weight layouts, which are nn's: no transposes.
//
// Formats, as Keras' own saving code writes them (keras-team/keras):
//
//   - .h5, keras/src/legacy/saving/legacy_h5_format.py: save_model_to_hdf5
//     (lines 28-76) stores the architecture as the root attribute
//     "model_config" (JSON, UTF-8 bytes), next to "keras_version",
//     "backend" and "training_config"; save_weights_to_hdf5_group (206-236)
//     writes group "model_weights" with attribute "layer_names" (layers in
//     model.layers order) and one group per layer whose attribute
//     "weight_names" orders its datasets (e.g. "conv2d_1/kernel:0");
//     save_attributes_to_hdf5_group (288-329) splits attributes larger than
//     64512 bytes into "layer_names0", "layer_names1", …. model.save_weights
//     writes the same layout at the file's root.
//   - .keras, keras/src/saving/saving_lib.py: a zip of "config.json"
//     (serialize_keras_object of the model), "metadata.json" and
//     "model.weights.h5" (lines 44-47, 196-240); in the weights file each
//     layer's variables sit at "layers/<class_snake>[_N]/vars/<i>" —
//     _save_state/_save_container_state (768-830, 955-1000) name a layer by
//     its class in snake case, numbered by position among model.layers of
//     that class (_get_unique_name, 937-942: conv2d, conv2d_1, conv2d_2, …),
//     never by its own name; Layer.save_own_variables
//     (keras/src/layers/layer.py 1460-1471) numbers the variables
//     trainable first, then non-trainable.
//
// Layers: InputLayer, Conv2D, DepthwiseConv2D (a grouped Conv2D whose
// kernel (kh, kw, cin, mult) is reshaped to (kh, kw, 1, cin·mult), the same
// values in memory), SeparableConv2D (that grouped Conv2D, named
// "<name>_depthwise", then a 1×1 Conv2D), MaxPooling2D, AveragePooling2D,
// GlobalAveragePooling2D, Dense, Flatten, Dropout (and SpatialDropout2D as
// a Dropout), Identity (and the training-only GaussianNoise,
// GaussianDropout and ActivityRegularization as one), Activation, ReLU,
// LeakyReLU, Softmax, BatchNormalization, Normalization (as a
// BatchNormalization with gamma 1, beta 0; its mean and variance from the
// weights or the config), Add, Concatenate, ZeroPadding2D,
// Reshape and Rescaling. A Conv2D or Dense whose activation nn only has as
// a layer (relu6, leaky_relu, hard_sigmoid, hard_swish) becomes the layer,
// renamed "<name>_preactivation", followed by that activation named as the
// Keras layer. hard_sigmoid follows the Keras version that wrote the file
// (keras_version, metadata.json): 0.2x + 0.5 before Keras 3, x/6 + 0.5
// since. A Rescaling applied to the input becomes the model's
// preprocessing (nn.Metadata.Rescale); without one, pixels are scaled by
// 1/255 as in the Keras tutorial. A Reshape applied to the input folds into
// the input shape, so a model fed (28, 28) and reshaped to (28, 28, 1) is a
// grayscale image model. A model used as a layer (Keras' transfer-learning
// recipe, Sequential([conv_base, Flatten(), Dense(…)])) is flattened into
// the graph: its layers keep their names, their weights come from the
// model's group (Keras 2, split by the layer part of each weight name) or
// from "layers/functional/layers/…" (Keras 3). Anything else — Lambda,
// custom classes, recurrent layers — is refused with one line naming the
// layer, its class and the supported classes.
package keras
